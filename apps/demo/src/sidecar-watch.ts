/**
 * Reads each sidecar's admin endpoint (`/identity`, `/metrics`) and keeps what the live view
 * needs: serial, time to renewal and expiry, bundle version, renewals seen (serial changes),
 * connections accepted/refused per route and refusal reasons.
 */
import { get } from 'node:http';

/** What one sidecar reported last. */
export interface SidecarView {
  readonly name: string;
  reachable: boolean;
  spiffeId?: string;
  serial?: string;
  notAfter?: Date;
  nextRenewal?: Date;
  bundleVersion?: number;
  /** Serial changes observed since the watch started (renewals). */
  renewals: number;
  /** `direction/route` → accepted connections. */
  accepted: Record<string, number>;
  /** `direction/route` → refused connections. */
  refused: Record<string, number>;
  /** `direction/route/reason` → refusals. */
  reasons: Record<string, number>;
  fallbacks: number;
}

interface IdentityBody {
  spiffeId?: string;
  serial?: string;
  notAfter?: string;
  nextRenewal?: string | null;
  bundleVersion?: number;
}

/** Polls the admin endpoints of a set of sidecars. */
export class SidecarWatch {
  readonly views: SidecarView[];

  /** @param admins sidecar name → admin port on 127.0.0.1 */
  constructor(private readonly admins: Readonly<Record<string, number>>) {
    this.views = Object.keys(admins).map((name) => ({
      name,
      reachable: false,
      renewals: 0,
      accepted: {},
      refused: {},
      reasons: {},
      fallbacks: 0,
    }));
  }

  /** Refreshes every view once (each request bounded: 1.5 s). Never rejects. */
  async poll(): Promise<void> {
    await Promise.all(
      this.views.map(async (v) => {
        const port = this.admins[v.name];
        const [id, metrics] = await Promise.all([fetchText(port, '/identity'), fetchText(port, '/metrics')]);
        v.reachable = id !== undefined;
        if (id !== undefined) applyIdentity(v, id);
        if (metrics !== undefined) applyMetrics(v, metrics);
      }),
    );
  }

  /** Total renewals seen across all sidecars. */
  get renewals(): number {
    return this.views.reduce((n, v) => n + v.renewals, 0);
  }
}

function applyIdentity(v: SidecarView, text: string): void {
  let body: IdentityBody;
  try {
    body = JSON.parse(text) as IdentityBody;
  } catch {
    return;
  }
  if (!body.serial) return;
  if (v.serial !== undefined && v.serial !== body.serial) v.renewals++;
  v.serial = body.serial;
  v.spiffeId = body.spiffeId;
  v.notAfter = body.notAfter ? new Date(body.notAfter) : undefined;
  v.nextRenewal = body.nextRenewal ? new Date(body.nextRenewal) : undefined;
  v.bundleVersion = body.bundleVersion;
}

/** Parses the sidecar's Prometheus text (only the series the view shows). */
function applyMetrics(v: SidecarView, text: string): void {
  const accepted: Record<string, number> = {};
  const refused: Record<string, number> = {};
  const reasons: Record<string, number> = {};
  let fallbacks = 0;
  for (const line of text.split('\n')) {
    const m = /^(trustmesh_sidecar_\w+)\{([^}]*)\} ([0-9.e+]+)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[2].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    const value = Number(m[3]);
    const key = `${labels.direction ?? '?'}/${labels.route ?? '?'}`;
    if (m[1] === 'trustmesh_sidecar_connections_total') {
      const into = labels.outcome === 'accepted' ? accepted : refused;
      into[key] = (into[key] ?? 0) + value;
    } else if (m[1] === 'trustmesh_sidecar_refusals_total') {
      reasons[`${key}/${labels.reason ?? '?'}`] = value;
    } else if (m[1] === 'trustmesh_sidecar_fallbacks_total') fallbacks += value;
  }
  Object.assign(v, { accepted, refused, reasons, fallbacks });
}

function fetchText(port: number, path: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path, timeout: 1500 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(res.statusCode === 200 ? body : undefined));
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}
