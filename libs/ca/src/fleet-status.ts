/**
 * The model behind `trustmesh status`: per service type, its CAs and their states, bundle
 * adoption among the sidecars the type's rotation concerns, live leaves per issuing CA, recent
 * fallbacks and the next safe rotation step — computed with the same checks the rotation
 * commands use to refuse, so "status says ready" and "the command runs" never disagree.
 */
import type { MeshConfig } from '@trustmesh/policy';
import type { Store } from '@trustmesh/store';
import { renewBeforeMetaKey } from './layout';
import {
  adoption,
  affectedTypes,
  describeRetireBlockers,
  names,
  recentFallbacks,
  retireBlockers,
  retireIsSafe,
  sidecarViews,
  type FallbackEvent,
} from './rotation-safety';
import { bundleVersion, intermediatesOf, readRotation, typeCas, type RotationRecord } from './rotation-state';

/** Status of one service type. */
export interface TypeStatus {
  serviceType: string;
  cas: { id: string; role: string; state: string; parentId: string | null; notAfter: string }[];
  rotation: RotationRecord | null;
  /** The type's renew-before hint (unix seconds), 0 when none. */
  renewBeforeUnix: number;
  adoption: {
    /** Types whose sidecars count for this type (itself and its peers). */
    types: string[];
    /** Instance ids per reported bundle version ('none' when a report carries no version). */
    byVersion: Record<string, string[]>;
    /** Sidecars below the bundle version in force. */
    stale: string[];
  };
  /** Unexpired leaves per issuing CA id. */
  liveLeaves: Record<string, number>;
  fallbacks: {
    instanceId: string;
    reporterType: string;
    peerType: string;
    peerAddress: string;
    kind: string;
    count: number;
    lastAt: string;
  }[];
  nextStep: string;
}

/** The whole status. */
export interface FleetStatus {
  at: string;
  bundleVersion: number;
  sinceSeconds: number;
  types: TypeStatus[];
}

/** Computes the status at `now`; fallbacks count from `now - sinceSeconds`. Store errors propagate. */
export async function fleetStatus(
  store: Store,
  mesh: MeshConfig,
  now: Date,
  sinceSeconds: number,
): Promise<FleetStatus> {
  const version = await bundleVersion(store);
  const sidecars = sidecarViews(await store.listStatusReports());
  const since = new Date(now.getTime() - sinceSeconds * 1000);
  const types: TypeStatus[] = [];
  for (const type of Object.keys(mesh.types).sort()) {
    const cas = await typeCas(store, type);
    const rotation = await readRotation(store, type);
    const affected = affectedTypes(mesh, type);
    const mine = sidecars.filter((s) => affected.includes(s.serviceType));
    const byVersion: Record<string, string[]> = {};
    for (const s of mine)
      (byVersion[s.bundleVersion === null ? 'none' : String(s.bundleVersion)] ??= []).push(s.instanceId);
    const liveLeaves: Record<string, number> = {};
    for (const leaf of await store.listIssued({ serviceType: type, validAt: now }))
      liveLeaves[leaf.caId] = (liveLeaves[leaf.caId] ?? 0) + 1;
    const hint = Number(await store.getMeta(renewBeforeMetaKey(type)));
    types.push({
      serviceType: type,
      cas: [...cas.roots, ...cas.intermediates].map((c) => ({
        id: c.id,
        role: c.role,
        state: c.state,
        parentId: c.parentId,
        notAfter: c.notAfter.toISOString(),
      })),
      rotation,
      renewBeforeUnix: Number.isSafeInteger(hint) && hint > 0 ? hint : 0,
      adoption: {
        types: affected,
        byVersion,
        stale: mine.filter((s) => s.bundleVersion === null || s.bundleVersion < version).map((s) => s.instanceId),
      },
      liveLeaves,
      fallbacks: recentFallbacks(sidecars, type, since).map(fallbackJson),
      nextStep: await nextStep({ store, type, rotation, cas, sidecars, affected, now, since }),
    });
  }
  return { at: now.toISOString(), bundleVersion: version, sinceSeconds, types };
}

async function nextStep(o: {
  store: Store;
  type: string;
  rotation: RotationRecord | null;
  cas: Awaited<ReturnType<typeof typeCas>>;
  sidecars: ReturnType<typeof sidecarViews>;
  affected: string[];
  now: Date;
  since: Date;
}): Promise<string> {
  const cmd = (phase: string): string => `\`trustmesh ca rotate ${o.type} --root --phase ${phase}\``;
  const r = o.rotation;
  if (r === null || r.phase === 'retired')
    return `steady: no root rotation in progress (start one with ${cmd('prepare')})`;
  if (r.phase === 'prepared') {
    const a = adoption(o.sidecars, o.affected, r.preparedVersion, 1);
    if (a.total === 0)
      return `prepare done: no sidecar of ${o.affected.join(', ')} has reported (nothing to wait for): run ${cmd('activate')}`;
    if (a.ok) return `prepare done: all ${a.total} sidecars hold bundle v${r.preparedVersion}: run ${cmd('activate')}`;
    return `prepare done: waiting for ${a.laggards.length} sidecars (${names(a.laggards.map((l) => l.instanceId))}) to load bundle v${r.preparedVersion} before activate`;
  }
  const oldRoot = o.cas.roots.find((c) => c.id === r.oldRootId);
  const b = await retireBlockers({
    store: o.store,
    type: o.type,
    oldIntermediates: oldRoot ? intermediatesOf(o.cas, oldRoot) : [],
    sidecars: o.sidecars,
    now: o.now,
    since: o.since,
  });
  if (retireIsSafe(b)) return `activate done: nothing depends on the old root any more: run ${cmd('retire')}`;
  return `activate done: waiting before retire for ${describeRetireBlockers(b)}`;
}

function fallbackJson(f: FallbackEvent): TypeStatus['fallbacks'][number] {
  return {
    instanceId: f.instanceId,
    reporterType: f.reporterType,
    peerType: f.peerType,
    peerAddress: f.peerAddress,
    kind: f.kind,
    count: f.count,
    lastAt: f.lastAt.toISOString(),
  };
}
