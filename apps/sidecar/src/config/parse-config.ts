/**
 * Parses `sidecar.yaml` text into a deep-frozen {@link SidecarConfig}. Pure: no file or
 * environment access (the host-name default comes in as a parameter).
 */
import { instanceIdProblem } from '@trustmesh/names';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError, type ConfigIssue } from '../errors';
import {
  deepFreeze,
  duration,
  hostPort,
  instanceId as instanceIdField,
  integer,
  IssueList,
  list,
  mapping,
  onlyKnown,
  routeName,
  str,
  typeName,
} from './fields';
import {
  DEFAULT_LIMITS,
  formatHostPort,
  type InboundRoute,
  type Limits,
  type OutboundRoute,
  type SidecarConfig,
} from './types';

/** Options of {@link parseConfig}. */
export interface ParseConfigOptions {
  /** Used when `instanceId` is absent; normalised to DNS-label characters. Default `sidecar`. */
  hostname?: string;
}

const TOP_FIELDS = [
  'serviceType',
  'instanceId',
  'signer',
  'inbound',
  'outbound',
  'admin',
  'keyFile',
  'tlsMinVersion',
  'limits',
];

/** The files a config names, each set when its field is valid (even if other fields are not). */
export interface ConfigFiles {
  readonly caFile?: string;
  readonly tokenFile?: string;
  readonly keyFile?: string;
}

/** The outcome of {@link inspectConfig}: the config when the document is valid, else every issue. */
export type ConfigInspection =
  | { readonly config: SidecarConfig; readonly issues: readonly []; readonly files: ConfigFiles }
  | { readonly config?: undefined; readonly issues: readonly ConfigIssue[]; readonly files: ConfigFiles };

/**
 * Validates the whole document and returns the frozen config.
 * @throws ConfigError (code `CONFIG_INVALID`) listing every problem with its path — YAML syntax
 *   errors, missing or unknown fields, bad names, addresses, durations, duplicates.
 */
export function parseConfig(text: string, options: ParseConfigOptions = {}): SidecarConfig {
  const r = inspectConfig(text, options);
  if (!r.config) throw new ConfigError(r.issues);
  return r.config;
}

/**
 * Validates the whole document like {@link parseConfig} without throwing: every issue in
 * document order, and the file names that are valid so far (`trustmesh sidecar --check` looks at
 * those files even when other fields are wrong).
 */
export function inspectConfig(text: string, options: ParseConfigOptions = {}): ConfigInspection {
  const issues = new IssueList();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  for (const e of doc.errors)
    issues.add(`line ${lineCounter.linePos(e.pos[0]).line}`, 'YAML_SYNTAX', e.message.split('\n')[0]);
  if (doc.errors.length > 0) return { issues: issues.items, files: {} };

  const root = mapping(doc.toJS({ maxAliasCount: 10 }), '(document)', issues);
  if (!root) return { issues: issues.items, files: {} };
  onlyKnown(root, TOP_FIELDS, '', issues);

  const serviceType = typeName(root.serviceType, 'serviceType', issues);
  const instanceId = parseInstanceId(root.instanceId, options.hostname, issues);
  const signer = parseSigner(root.signer, issues);
  const inbound = (list(root.inbound, 'inbound', issues) ?? []).map((r, i) => parseInbound(r, `inbound[${i}]`, issues));
  const outbound = (list(root.outbound, 'outbound', issues) ?? []).map((r, i) =>
    parseOutbound(r, `outbound[${i}]`, issues),
  );
  if (Array.isArray(root.inbound) || Array.isArray(root.outbound) || (root.inbound == null && root.outbound == null)) {
    if (inbound.length + outbound.length === 0)
      issues.add('inbound', 'EMPTY_LIST', 'at least one inbound or outbound route is required');
  }
  const adminMap = mapping(root.admin, 'admin', issues);
  if (adminMap) onlyKnown(adminMap, ['listen'], 'admin', issues);
  const adminListen = adminMap ? hostPort(adminMap.listen, 'admin.listen', issues, true) : undefined;
  const keyFile = str(root.keyFile, 'keyFile', issues, false);
  const tlsMinVersion = parseTlsVersion(root.tlsMinVersion, issues);
  const limits = parseLimits(root.limits, issues);
  checkUnique(inbound, outbound, adminListen && formatHostPort(adminListen), issues);

  const files: ConfigFiles = {
    ...(signer.caFile !== undefined ? { caFile: signer.caFile } : {}),
    ...(signer.tokenFile !== undefined ? { tokenFile: signer.tokenFile } : {}),
    ...(keyFile !== undefined ? { keyFile } : {}),
  };
  if (issues.items.length > 0) return { issues: issues.items, files };
  const config = deepFreeze({
    serviceType: serviceType as string,
    instanceId: instanceId as string,
    signer: signer.value as SidecarConfig['signer'],
    inbound: inbound as InboundRoute[],
    outbound: outbound as OutboundRoute[],
    admin: { listen: adminListen! },
    ...(keyFile !== undefined ? { keyFile } : {}),
    tlsMinVersion: tlsMinVersion!,
    limits: limits as Limits,
  });
  return { config, issues: [], files };
}

/**
 * `instanceId`, by the grammar the signer applies (INSTANCE_ID_INVALID otherwise). When absent it
 * is derived from the host name: lower-cased, other characters turned into `-`; `sidecar` when
 * that still is no valid instance id.
 */
function parseInstanceId(v: unknown, hostname: string | undefined, issues: IssueList): string | undefined {
  if (v === undefined || v === null) {
    const derived = (hostname ?? 'sidecar')
      .toLowerCase()
      .replace(/[^a-z0-9.-]/g, '-')
      .replace(/^[.-]+|[.-]+$/g, '')
      .slice(0, 63);
    return instanceIdProblem(derived) === null ? derived : 'sidecar';
  }
  return instanceIdField(v, 'instanceId', issues);
}

/** The `signer` block; `caFile` and `tokenFile` are also returned alone when they are valid. */
function parseSigner(
  v: unknown,
  issues: IssueList,
): { value?: SidecarConfig['signer']; caFile?: string; tokenFile?: string } {
  const m = mapping(v, 'signer', issues);
  if (!m) return {};
  onlyKnown(m, ['address', 'caFile', 'tokenFile'], 'signer', issues);
  const address = hostPort(m.address, 'signer.address', issues, false);
  const caFile = str(m.caFile, 'signer.caFile', issues);
  const tokenFile = str(m.tokenFile, 'signer.tokenFile', issues);
  return {
    ...(address && caFile && tokenFile ? { value: { address, caFile, tokenFile } } : {}),
    ...(caFile !== undefined ? { caFile } : {}),
    ...(tokenFile !== undefined ? { tokenFile } : {}),
  };
}

function parseInbound(v: unknown, path: string, issues: IssueList): InboundRoute | undefined {
  const m = mapping(v, path, issues);
  if (!m) return undefined;
  onlyKnown(m, ['name', 'listen', 'forward', 'accept'], path, issues);
  const name = routeName(m.name, `${path}.name`, issues);
  const listen = hostPort(m.listen, `${path}.listen`, issues, true);
  const forward = hostPort(m.forward, `${path}.forward`, issues, false);
  const rawAccept = list(m.accept, `${path}.accept`, issues);
  if (rawAccept && rawAccept.length === 0)
    issues.add(`${path}.accept`, 'EMPTY_LIST', 'must name at least one service type');
  const accept = (rawAccept ?? []).map((t, i) => typeName(t, `${path}.accept[${i}]`, issues));
  accept.forEach((t, i) => {
    if (t !== undefined && accept.indexOf(t) !== i)
      issues.add(`${path}.accept[${i}]`, 'DUPLICATE', `type ${t} is listed twice`);
  });
  if (!name || !listen || !forward || accept.length === 0 || accept.some((t) => t === undefined)) return undefined;
  return { name, listen, forward, accept: accept as string[] };
}

function parseOutbound(v: unknown, path: string, issues: IssueList): OutboundRoute | undefined {
  const m = mapping(v, path, issues);
  if (!m) return undefined;
  onlyKnown(m, ['name', 'listen', 'connect', 'peerType'], path, issues);
  const name = routeName(m.name, `${path}.name`, issues);
  const listen = hostPort(m.listen, `${path}.listen`, issues, true);
  const connect = hostPort(m.connect, `${path}.connect`, issues, false);
  const peerType = typeName(m.peerType, `${path}.peerType`, issues);
  return name && listen && connect && peerType ? { name, listen, connect, peerType } : undefined;
}

function parseTlsVersion(v: unknown, issues: IssueList): SidecarConfig['tlsMinVersion'] | undefined {
  if (v === undefined || v === null || v === '1.3') return 'TLSv1.3';
  if (v === '1.2') return 'TLSv1.2';
  return issues.add('tlsMinVersion', 'INVALID_ENUM', "must be '1.3' (default) or '1.2'");
}

function parseLimits(v: unknown, issues: IssueList): Limits | undefined {
  const m = mapping(v, 'limits', issues, false) ?? {};
  onlyKnown(m, ['handshakeTimeout', 'idleTimeout', 'maxConnections', 'drainTimeout'], 'limits', issues);
  const d = DEFAULT_LIMITS;
  const handshakeTimeoutMs = duration(
    m.handshakeTimeout,
    'limits.handshakeTimeout',
    issues,
    d.handshakeTimeoutMs,
    50,
    120_000,
  );
  const idleTimeoutMs = duration(m.idleTimeout, 'limits.idleTimeout', issues, d.idleTimeoutMs, 100, 86_400_000);
  const maxConnections = integer(m.maxConnections, 'limits.maxConnections', issues, d.maxConnections, 1, 1_000_000);
  const drainTimeoutMs = duration(m.drainTimeout, 'limits.drainTimeout', issues, d.drainTimeoutMs, 1, 3_600_000);
  if (
    handshakeTimeoutMs === undefined ||
    idleTimeoutMs === undefined ||
    maxConnections === undefined ||
    drainTimeoutMs === undefined
  ) {
    return undefined;
  }
  return { handshakeTimeoutMs, idleTimeoutMs, maxConnections, drainTimeoutMs };
}

/** Route names and listen addresses must be unique (port 0 never collides). */
function checkUnique(
  inbound: (InboundRoute | undefined)[],
  outbound: (OutboundRoute | undefined)[],
  admin: string | undefined,
  issues: IssueList,
): void {
  const names = new Map<string, string>();
  const listens = new Map<string, string>();
  if (admin && !admin.endsWith(':0')) listens.set(admin, 'admin.listen');
  const routes = [
    ...inbound.map((r, i) => [r, `inbound[${i}]`] as const),
    ...outbound.map((r, i) => [r, `outbound[${i}]`] as const),
  ];
  for (const [r, path] of routes) {
    if (!r) continue;
    if (names.has(r.name))
      issues.add(`${path}.name`, 'DUPLICATE', `route name ${r.name} is also used by ${names.get(r.name)}`);
    else names.set(r.name, path);
    const l = formatHostPort(r.listen);
    if (r.listen.port === 0) continue;
    if (listens.has(l)) issues.add(`${path}.listen`, 'DUPLICATE', `${l} is also used by ${listens.get(l)}`);
    else listens.set(l, `${path}.listen`);
  }
}
