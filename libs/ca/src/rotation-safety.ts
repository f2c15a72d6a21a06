/**
 * When is the next rotation step safe? Read from the sidecars' status reports (stored by the
 * signer per instance) and the issued-certificate records. Shared by the rotation commands
 * (which refuse) and `trustmesh status` (which explains), so both always agree.
 */
import type { MeshConfig } from '@trustmesh/policy';
import type { CaRecord, IssuedCertRecord, StatusReportRecord, Store } from '@trustmesh/store';

/** One sidecar as its latest status report describes it (fields the signer stores). */
export interface SidecarView {
  instanceId: string;
  serviceType: string;
  /** Bundle version it has loaded; null when the report does not say. */
  bundleVersion: number | null;
  /** Issuing CA id of the certificate it uses; null when unknown. */
  caId: string | null;
  receivedAt: Date;
  fallbacks: FallbackEvent[];
}

/** One reported fallback: `instanceId` (of type `reporterType`) fell back talking to a `peerType` peer. */
export interface FallbackEvent {
  instanceId: string;
  reporterType: string;
  peerType: string;
  peerAddress: string;
  kind: string;
  count: number;
  lastAt: Date;
}

/** Reads the stored reports defensively: a malformed field becomes null/empty, never a crash. */
export function sidecarViews(reports: readonly StatusReportRecord[]): SidecarView[] {
  return reports.map((r) => {
    const rep = r.report;
    const fallbacks = Array.isArray(rep.fallbacks) ? (rep.fallbacks as Record<string, unknown>[]) : [];
    return {
      instanceId: r.instanceId,
      serviceType: r.serviceType,
      receivedAt: r.receivedAt,
      bundleVersion: toInt(rep.bundleVersion),
      caId: typeof rep.caId === 'string' && rep.caId !== '' ? rep.caId : null,
      fallbacks: fallbacks
        .filter((f) => f !== null && typeof f === 'object')
        .map((f) => ({
          instanceId: r.instanceId,
          reporterType: r.serviceType,
          peerType: String(f.peerType ?? ''),
          peerAddress: String(f.peerAddress ?? ''),
          kind: String(f.kind ?? ''),
          count: toInt(f.count) ?? 0,
          lastAt: new Date((toInt(f.lastAtUnix) ?? 0) * 1000),
        })),
    };
  });
}

/** The sidecars a type's root rotation concerns: the type itself and every type that accepts or dials it. */
export function affectedTypes(mesh: MeshConfig, type: string): string[] {
  const out = new Set<string>([type]);
  for (const [name, t] of Object.entries(mesh.types)) {
    if (t.accepts.includes(type) || t.dials.includes(type)) out.add(name);
  }
  return [...out].sort();
}

/** Bundle adoption among the affected sidecars. */
export interface Adoption {
  /** The version they must have loaded. */
  version: number;
  total: number;
  /** How many must be up to date for the threshold. */
  required: number;
  upToDate: string[];
  /** Instances below `version` (or not saying), with what they report. */
  laggards: { instanceId: string; serviceType: string; bundleVersion: number | null }[];
  ok: boolean;
}

/**
 * Adoption of bundle `version` among sidecars of `types`; ok when at least ceil(threshold × total)
 * report a version ≥ `version` (vacuously ok with no such sidecar). `threshold` is in (0, 1].
 */
export function adoption(
  sidecars: readonly SidecarView[],
  types: readonly string[],
  version: number,
  threshold: number,
): Adoption {
  const mine = sidecars.filter((s) => types.includes(s.serviceType));
  const upToDate = mine.filter((s) => s.bundleVersion !== null && s.bundleVersion >= version).map((s) => s.instanceId);
  const laggards = mine
    .filter((s) => s.bundleVersion === null || s.bundleVersion < version)
    .map((s) => ({ instanceId: s.instanceId, serviceType: s.serviceType, bundleVersion: s.bundleVersion }));
  // The epsilon absorbs float error (2/3 of 3 is 2.0000000000000004, which must need 2, not 3).
  const required = Math.max(0, Math.ceil(mine.length * threshold - 1e-9));
  return { version, total: mine.length, required, upToDate, laggards, ok: upToDate.length >= required };
}

/** Fallbacks at or after `since` that involve `type` (reported by its sidecars or towards its peers). */
export function recentFallbacks(sidecars: readonly SidecarView[], type: string, since: Date): FallbackEvent[] {
  return sidecars
    .flatMap((s) => s.fallbacks)
    .filter(
      (f) => f.count > 0 && f.lastAt.getTime() >= since.getTime() && (f.peerType === type || f.reporterType === type),
    );
}

/** What keeps the old root of a type from being retired. */
export interface RetireBlockers {
  /** Unexpired leaves issued under an intermediate of the old root. */
  liveLeaves: IssuedCertRecord[];
  /** Sidecars of the type whose reported certificate comes from an old intermediate. */
  onOldCa: string[];
  /** Recent fallbacks involving the type. */
  fallbacks: FallbackEvent[];
}

/** Collects the blockers for retiring the old root whose intermediates are `oldIntermediates`. */
export async function retireBlockers(o: {
  store: Store;
  type: string;
  oldIntermediates: readonly CaRecord[];
  sidecars: readonly SidecarView[];
  now: Date;
  since: Date;
}): Promise<RetireBlockers> {
  const ids = new Set(o.oldIntermediates.map((c) => c.id));
  const liveLeaves: IssuedCertRecord[] = [];
  for (const id of ids) liveLeaves.push(...(await o.store.listIssued({ caId: id, validAt: o.now })));
  const onOldCa = o.sidecars
    .filter((s) => s.serviceType === o.type && s.caId !== null && ids.has(s.caId))
    .map((s) => s.instanceId);
  return { liveLeaves, onOldCa, fallbacks: recentFallbacks(o.sidecars, o.type, o.since) };
}

/** True when nothing blocks retire. */
export function retireIsSafe(b: RetireBlockers): boolean {
  return b.liveLeaves.length === 0 && b.onOldCa.length === 0 && b.fallbacks.length === 0;
}

/** One line naming what blocks retire, e.g. "2 live leaves under the old CA (api-1, api-2; last expires ...)". */
export function describeRetireBlockers(b: RetireBlockers): string {
  const parts: string[] = [];
  if (b.liveLeaves.length > 0) {
    const last = Math.max(...b.liveLeaves.map((l) => l.notAfter.getTime()));
    parts.push(
      `${b.liveLeaves.length} live leaf certificate(s) under the old CA (${names(b.liveLeaves.map((l) => l.instanceId))}; the last expires ${new Date(last).toISOString()})`,
    );
  }
  if (b.onOldCa.length > 0) parts.push(`sidecars still on the old CA (${names(b.onOldCa)})`);
  if (b.fallbacks.length > 0) {
    parts.push(
      `recent fallbacks (${names(b.fallbacks.map((f) => `${f.instanceId}→${f.peerType}${f.peerAddress ? `@${f.peerAddress}` : ''}`))})`,
    );
  }
  return parts.join('; ');
}

/** "a, b, c" of unique names, at most 10 then "+N more". */
export function names(list: readonly string[]): string {
  const u = [...new Set(list)];
  return u.length <= 10 ? u.join(', ') : `${u.slice(0, 10).join(', ')}, +${u.length - 10} more`;
}

function toInt(v: unknown): number | null {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : null;
}
