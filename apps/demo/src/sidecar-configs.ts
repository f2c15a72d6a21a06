/**
 * The demo mesh's wiring: which port every listener uses and the sidecar.yaml of each service.
 *
 *   client → web:svc ─ web sidecar outbound `api` ─mTLS→ api sidecar inbound → api:svc
 *            api:svc ─ api sidecar outbound `db`  ─mTLS→ db sidecar inbound  → db:svc
 *            web:svc ─ web sidecar outbound `db-direct` ─mTLS→ db sidecar inbound   (refused:
 *            db accepts only api; the route exists so the refusal can be shown)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The three demo services, in start order of their sidecars. */
export const DEMO_SERVICES = ['db', 'api', 'web'] as const;
/** One of {@link DEMO_SERVICES}. */
export type DemoService = (typeof DEMO_SERVICES)[number];

/** Every port of the demo mesh. */
export interface MeshPorts {
  readonly signer: number;
  readonly web: { readonly svc: number; readonly admin: number; readonly outApi: number; readonly outDb: number };
  readonly api: { readonly svc: number; readonly admin: number; readonly inbound: number; readonly outDb: number };
  readonly db: { readonly svc: number; readonly admin: number; readonly inbound: number };
}

/** Number of ports {@link assignPorts} needs. */
export const PORT_COUNT = 12;

/** Assigns `ports` (at least {@link PORT_COUNT} distinct ones) to the mesh's listeners. */
export function assignPorts(ports: readonly number[]): MeshPorts {
  const p = [...ports];
  const next = (): number => {
    const v = p.shift();
    if (v === undefined) throw new RangeError(`assignPorts needs ${PORT_COUNT} ports`);
    return v;
  };
  return {
    signer: next(),
    web: { svc: next(), admin: next(), outApi: next(), outDb: next() },
    api: { svc: next(), admin: next(), inbound: next(), outDb: next() },
    db: { svc: next(), admin: next(), inbound: next() },
  };
}

/** Where a sidecar finds the signer, its CA file and its token. */
export interface SignerRef {
  readonly port: number;
  readonly caFile: string;
  readonly tokenFile: (service: DemoService) => string;
}

/** Optional changes to the wiring (tests): where db's inbound forwards to. */
export interface WiringOptions {
  /** db sidecar's forward target; default the db example service. */
  readonly dbForward?: { readonly host: string; readonly port: number };
  /** Short drain so Ctrl-C is quick; default 3s. */
  readonly drainTimeout?: string;
}

const addr = (port: number): string => `"127.0.0.1:${port}"`;

/** The sidecar.yaml text of `service`. */
export function sidecarYaml(service: DemoService, ports: MeshPorts, signer: SignerRef, o: WiringOptions = {}): string {
  const head = [
    '# Written by the TrustMesh demo (npm start; DEVELOPMENT state).',
    `serviceType: ${service}`,
    `instanceId: ${service}-1`,
    `signer: { address: ${addr(signer.port)}, caFile: ${JSON.stringify(signer.caFile)}, tokenFile: ${JSON.stringify(signer.tokenFile(service))} }`,
  ];
  const routes: string[] = [];
  if (service === 'web') {
    routes.push(
      'outbound:',
      `  - { name: api, listen: ${addr(ports.web.outApi)}, connect: ${addr(ports.api.inbound)}, peerType: api }`,
      `  - { name: db-direct, listen: ${addr(ports.web.outDb)}, connect: ${addr(ports.db.inbound)}, peerType: db }`,
    );
  } else if (service === 'api') {
    routes.push(
      'inbound:',
      `  - { name: http, listen: ${addr(ports.api.inbound)}, forward: ${addr(ports.api.svc)}, accept: [web] }`,
      'outbound:',
      `  - { name: db, listen: ${addr(ports.api.outDb)}, connect: ${addr(ports.db.inbound)}, peerType: db }`,
    );
  } else {
    const fwd = o.dbForward ? `"${o.dbForward.host}:${o.dbForward.port}"` : addr(ports.db.svc);
    routes.push('inbound:', `  - { name: data, listen: ${addr(ports.db.inbound)}, forward: ${fwd}, accept: [api] }`);
  }
  const admin = ports[service].admin;
  return [
    ...head,
    ...routes,
    `admin: { listen: ${addr(admin)} }`,
    `limits: { drainTimeout: ${o.drainTimeout ?? '3s'} }`,
    '',
  ].join('\n');
}

/** Writes `<dir>/<service>.sidecar.yaml` for every service; returns service → path. */
export function writeSidecarConfigs(
  dir: string,
  ports: MeshPorts,
  signer: SignerRef,
  o: WiringOptions = {},
): Record<DemoService, string> {
  const out = {} as Record<DemoService, string>;
  for (const s of DEMO_SERVICES) {
    out[s] = join(dir, `${s}.sidecar.yaml`);
    writeFileSync(out[s], sidecarYaml(s, ports, signer, o));
  }
  return out;
}

/** Command-line arguments of the example service `service` (after `run-ts.js <main.ts>`). */
export function serviceArgs(service: DemoService, ports: MeshPorts): string[] {
  if (service === 'web')
    return [
      '--port',
      String(ports.web.svc),
      '--instance',
      'web-1',
      '--peer',
      `api=127.0.0.1:${ports.web.outApi}`,
      '--peer',
      `db=127.0.0.1:${ports.web.outDb}`,
    ];
  if (service === 'api')
    return ['--port', String(ports.api.svc), '--instance', 'api-1', '--peer', `db=127.0.0.1:${ports.api.outDb}`];
  return ['--port', String(ports.db.svc), '--instance', 'db-1'];
}
