/**
 * One grammar for names, proven on the workspace: for every name in the table, as a service type
 * and as an instance id, every place that reads such a name gives the same verdict —
 *  - the `trustmesh` CLI, in process: `token create --type/--instance` (bad → CONFIG_INVALID naming
 *    the flag and the grammar's code; good → past validation, NOT_INITIALIZED on a missing --dir),
 *    and the demo's `--rotate TYPE`;
 *  - the signer's policy (libs/policy `evaluateSignRequest`, what apps/signer/src/sign-prepare.ts
 *    calls per Sign; a mesh config must accept the type first);
 *  - libs/pki `spiffeId` / `parseSpiffeId` (SAN_INVALID when refused);
 *  - the sidecar: `parseConfig` (issue code) and its TLS peer check `parseSpiffeUri`;
 *  - the Nx generator's type-name validation (`normalizeOptions`).
 * `admin` and `platform` are grammatical type names (they appear in the CLI's and the signer's own
 * SPIFFE IDs) but reserved in a mesh config: the mesh-level checks (policy, generator) refuse them.
 * The whole table is asserted at once, so a disagreement shows every name it affects.
 */
import { join } from 'node:path';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { runCli } from '@trustmesh/cli';
import { parseDemoArgs } from '@trustmesh/demo';
import { instanceIdProblem, typeNameProblem } from '@trustmesh/names';
import { normalizeOptions } from '@trustmesh/nx-plugin';
import { parseSpiffeId, spiffeId } from '@trustmesh/pki';
import {
  evaluateSignRequest,
  meshConfigFromTypes,
  validateServiceTypeName,
  type SignRequestCsr,
} from '@trustmesh/policy';
import { parseConfig, parseSpiffeUri } from '@trustmesh/sidecar';

type TypeVerdict = 'ok' | 'reserved' | 'bad';
type InstanceVerdict = 'ok' | 'bad';

const long = (n: number) => 'a'.repeat(n);
const type31 = `t${'y'.repeat(30)}`;

/** name → [as a service type, as an instance id]. */
const NAMES: [string, TypeVerdict, InstanceVerdict][] = [
  ['db_1', 'bad', 'bad'],
  ['DB-1', 'bad', 'bad'],
  ['API', 'bad', 'bad'],
  ['a.b', 'bad', 'ok'],
  ['a.b.c', 'bad', 'ok'],
  ['web-1.zone-a', 'bad', 'ok'],
  ['-x', 'bad', 'bad'],
  ['x-', 'bad', 'bad'],
  ['a-.b', 'bad', 'bad'],
  ['a..b', 'bad', 'bad'],
  ['.a', 'bad', 'bad'],
  ['a.', 'bad', 'bad'],
  ['..', 'bad', 'bad'],
  [long(63), 'bad', 'ok'],
  [long(64), 'bad', 'bad'],
  [long(128), 'bad', 'bad'],
  [long(129), 'bad', 'bad'],
  [`${long(31)}.${long(31)}`, 'bad', 'ok'],
  [`${long(32)}.${long(31)}`, 'bad', 'bad'],
  [type31, 'ok', 'ok'],
  [`${type31}z`, 'bad', 'ok'],
  ['dé', 'bad', 'bad'],
  ['ⅾb', 'bad', 'bad'],
  ['%2F', 'bad', 'bad'],
  ['a/b', 'bad', 'bad'],
  ['a b', 'bad', 'bad'],
  [' a', 'bad', 'bad'],
  ['a\t', 'bad', 'bad'],
  ['db\n', 'bad', 'bad'],
  ['a\u0000', 'bad', 'bad'],
  ['a:1', 'bad', 'bad'],
  ['a@b', 'bad', 'bad'],
  ['a?b', 'bad', 'bad'],
  ['a#b', 'bad', 'bad'],
  ['*', 'bad', 'bad'],
  ['', 'bad', 'bad'],
  ['api', 'ok', 'ok'],
  ['db1', 'ok', 'ok'],
  ['db-1', 'ok', 'ok'],
  ['x', 'ok', 'ok'],
  ['x--y', 'ok', 'ok'],
  ['spiffe', 'ok', 'ok'],
  ['9lives', 'bad', 'ok'],
  ['0', 'bad', 'ok'],
  ['1.2.3.4', 'bad', 'ok'],
  ['admin', 'reserved', 'ok'],
  ['platform', 'reserved', 'ok'],
];

const TD = 'example.test';
const MISSING_DIR = join(__dirname, 'no-such-state-dir');
const CSR: SignRequestCsr = {
  publicKey: { algorithm: 'ec-p256', bits: 256 },
  sans: { dns: [], uris: [], ips: [] },
  extensions: [],
  isCaRequested: false,
};
const SIGNER_MESH = meshConfigFromTypes(TD, ['api']);
const SIDECAR_YAML = (serviceType: string, instanceId: string) =>
  [
    `serviceType: ${JSON.stringify(serviceType)}`,
    `instanceId: ${JSON.stringify(instanceId)}`,
    'signer: { address: 127.0.0.1:7443, caFile: ca.pem, tokenFile: t.token }',
    'outbound: [ { name: db, listen: 127.0.0.1:0, connect: 127.0.0.1:7000, peerType: db } ]',
    'admin: { listen: 127.0.0.1:0 }',
    '',
  ].join('\n');

/** Runs `fn`; the error's code, or 'ok'. */
function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return String((err as { code?: unknown }).code ?? 'NO_CODE');
  }
}

/** `trustmesh token create ... --dir <missing>` in process: the error line's code and what it names. */
async function tokenCreate(flags: string[]): Promise<string> {
  const err: string[] = [];
  const code = await runCli(['token', 'create', '--dir', MISSING_DIR, ...flags], {}, new Date('2026-01-01T00:00:00Z'), {
    out: () => undefined,
    err: (t) => err.push(t),
  });
  const line = err.join('\n');
  const reason = /^trustmesh: ([A-Z_]+): /.exec(line)?.[1] ?? 'NO_LINE';
  return `${reason}/${code}${line.includes('--type: ') ? ' --type' : ''}${line.includes('--instance: ') ? ' --instance' : ''}`;
}

/** The sidecar config issue codes at `path`, or 'ok'. */
function sidecarIssue(serviceType: string, instanceId: string, path: string): string {
  try {
    parseConfig(SIDECAR_YAML(serviceType, instanceId));
    return 'ok';
  } catch (err) {
    const issues = (err as { issues?: { path: string; code: string }[] }).issues ?? [];
    const mine = issues.filter((i) => i.path === path).map((i) => i.code);
    return mine.length > 0 && mine.length === issues.length ? mine.join(',') : `unexpected: ${JSON.stringify(issues)}`;
  }
}

/** The generator's verdict on a new type name (a workspace mesh with types web and zeta). */
function generatorVerdict(name: string): string {
  const tree = createTreeWithEmptyWorkspace();
  tree.write(
    'trustmesh.yaml',
    'trustDomain: example.test\ntypes:\n  web: { dials: [zeta] }\n  zeta: { accepts: [web] }\n',
  );
  const code = outcome(() => normalizeOptions(tree, { name, dials: 'zeta' }));
  return code === 'TYPE_NAME_INVALID' ? code : 'past validation';
}

/** What each check says about `name` as a service type. */
async function asType(name: string): Promise<Record<string, string>> {
  return {
    grammar: typeNameProblem(name)?.code ?? 'ok',
    'cli token create --type': await tokenCreate([`--type=${name}`]),
    'cli demo --rotate': outcome(() => parseDemoArgs([`--rotate=${name}`], '/demo', '/')),
    'policy type name (mesh config)': outcome(() => validateServiceTypeName(name)),
    'signer policy (mesh with the type)': outcome(() =>
      evaluateSignRequest(meshConfigFromTypes(TD, [name]), { serviceType: name, instanceId: 'i-1', csr: CSR }),
    ),
    'pki spiffeId': outcome(() => spiffeId(TD, name, 'i-1')),
    'pki parseSpiffeId': outcome(() => parseSpiffeId(`spiffe://${TD}/${name}/i-1`)),
    'sidecar parseConfig': sidecarIssue(name, 'i-1', 'serviceType'),
    'sidecar peer check': parseSpiffeUri(`spiffe://${TD}/${name}/i-1`) ? 'ok' : 'refused',
    'generator type name': generatorVerdict(name),
  };
}

/** What each check says about `name` as an instance id. */
async function asInstance(name: string): Promise<Record<string, string>> {
  return {
    grammar: instanceIdProblem(name)?.code ?? 'ok',
    'cli token create --instance': await tokenCreate(['--type=api', `--instance=${name}`]),
    'signer policy': outcome(() =>
      evaluateSignRequest(SIGNER_MESH, { serviceType: 'api', instanceId: name, csr: CSR }),
    ),
    'pki spiffeId': outcome(() => spiffeId(TD, 'api', name)),
    'pki parseSpiffeId': outcome(() => parseSpiffeId(`spiffe://${TD}/api/${name}`)),
    'sidecar parseConfig': sidecarIssue('api', name, 'instanceId'),
    'sidecar peer check': parseSpiffeUri(`spiffe://${TD}/api/${name}`) ? 'ok' : 'refused',
  };
}

function expectedType(v: TypeVerdict): Record<string, string> {
  const grammarOk = v !== 'bad';
  return {
    grammar: grammarOk ? 'ok' : 'TYPE_NAME_INVALID',
    'cli token create --type': grammarOk ? 'NOT_INITIALIZED/1' : 'CONFIG_INVALID/2 --type',
    'cli demo --rotate': grammarOk ? 'ok' : 'ARGS_INVALID',
    'policy type name (mesh config)': v === 'ok' ? 'ok' : 'TYPE_NAME_INVALID',
    'signer policy (mesh with the type)': v === 'ok' ? 'ok' : 'CONFIG_INVALID',
    'pki spiffeId': grammarOk ? 'ok' : 'SAN_INVALID',
    'pki parseSpiffeId': grammarOk ? 'ok' : 'SAN_INVALID',
    'sidecar parseConfig': grammarOk ? 'ok' : 'TYPE_NAME_INVALID',
    'sidecar peer check': grammarOk ? 'ok' : 'refused',
    'generator type name': v === 'ok' ? 'past validation' : 'TYPE_NAME_INVALID',
  };
}

function expectedInstance(v: InstanceVerdict): Record<string, string> {
  const ok = v === 'ok';
  return {
    grammar: ok ? 'ok' : 'INSTANCE_ID_INVALID',
    'cli token create --instance': ok ? 'NOT_INITIALIZED/1' : 'CONFIG_INVALID/2 --instance',
    'signer policy': ok ? 'ok' : 'INSTANCE_ID_INVALID',
    'pki spiffeId': ok ? 'ok' : 'SAN_INVALID',
    'pki parseSpiffeId': ok ? 'ok' : 'SAN_INVALID',
    'sidecar parseConfig': ok ? 'ok' : 'INSTANCE_ID_INVALID',
    'sidecar peer check': ok ? 'ok' : 'refused',
  };
}

describe('one grammar for names: every reader agrees', () => {
  it('ok/the table is big enough and has no duplicate', () => {
    expect(NAMES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(NAMES.map(([n]) => n)).size).toBe(NAMES.length);
  });

  it('ok/as a service type: CLI, demo, policy, signer, pki, sidecar and generator agree on every name', async () => {
    const got: Record<string, Record<string, string>> = {};
    const want: Record<string, Record<string, string>> = {};
    for (const [name, verdict] of NAMES) {
      got[JSON.stringify(name)] = await asType(name);
      want[JSON.stringify(name)] = expectedType(verdict);
    }
    expect(got).toEqual(want);
  });

  it('ok/as an instance id: CLI, signer, pki and sidecar agree on every name', async () => {
    const got: Record<string, Record<string, string>> = {};
    const want: Record<string, Record<string, string>> = {};
    for (const [name, , verdict] of NAMES) {
      got[JSON.stringify(name)] = await asInstance(name);
      want[JSON.stringify(name)] = expectedInstance(verdict);
    }
    expect(got).toEqual(want);
  });
});
