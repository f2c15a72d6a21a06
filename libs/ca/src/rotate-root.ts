/**
 * The three phases of a root rotation of one service type:
 *   prepare   new root 'incoming' + its intermediate 'standby'; bundle version bumped
 *   activate  new root 'active', old root 'retiring', new intermediate 'active', old ones
 *             'standby'; renew-before hint `renew_before_unix:<type>` = now + window; bump
 *   retire    old root family and its intermediates 'retired'; hint cleared; bump; old keys
 *             moved to offline/archive/
 * Each phase checks it is the next one (ROTATION_PHASE_INVALID), that it is safe
 * (ROTATION_NOT_SAFE unless --force), and re-running a completed phase is a no-op.
 */
import { CaError } from './errors';
import { createCaSet } from './ca-factory';
import { archiveKey } from './key-archive';
import { LAYOUT, renewBeforeMetaKey } from './layout';
import { provenProtection } from './protection';
import {
  adoption,
  affectedTypes,
  describeRetireBlockers,
  names,
  retireBlockers,
  retireIsSafe,
  sidecarViews,
} from './rotation-safety';
import {
  activeRoot,
  bumpBundleVersion,
  caById,
  intermediatesOf,
  readRotation,
  rootFamily,
  rootsIn,
  typeCas,
  writeRotation,
} from './rotation-state';
import { auditCli } from './session';
import { noteForced, type StepContext, type StepResult } from './rotation-step';

/** prepare: a new root (incoming) and intermediate (standby) next to the active CA set. */
export async function preparePhase(ctx: StepContext): Promise<StepResult> {
  const action = 'ca.rotate.prepare';
  const cas = await typeCas(ctx.store, ctx.type);
  const rot = await readRotation(ctx.store, ctx.type);
  if (rot?.phase === 'prepared') {
    return {
      action,
      noop: true,
      details: { ...rot, serviceType: ctx.type },
      message: `prepare of '${ctx.type}' was already done (new root ${rot.newRootId}, bundle v${rot.preparedVersion}); nothing to do`,
    };
  }
  if (rootsIn(cas, 'incoming').length > 0 || rootsIn(cas, 'retiring').length > 0) {
    throw new CaError(
      'ROTATION_PHASE_INVALID',
      `'${ctx.type}' has a root rotation in progress (run activate or retire)`,
    );
  }
  const oldRoot = activeRoot(cas, ctx.type);
  const protection = await provenProtection({
    dir: ctx.dir,
    store: ctx.store,
    passphrase: ctx.passphrase,
    kdf: ctx.kdf,
    warn: ctx.warn,
  });
  const set = await createCaSet({
    dir: ctx.dir,
    type: ctx.type,
    trustDomain: ctx.mesh.trustDomain,
    now: ctx.now,
    protection,
  });
  ctx.hooks?.afterKeys?.();
  const root = { ...set.root, state: 'incoming' as const };
  const inter = { ...set.intermediate, state: 'standby' as const };
  const details = await ctx.store.transaction(async (s) => {
    await s.putCa(root);
    await s.putCa(inter);
    const version = await bumpBundleVersion(s);
    await writeRotation(s, ctx.type, {
      phase: 'prepared',
      oldRootId: oldRoot.id,
      newRootId: root.id,
      newIntermediateId: inter.id,
      preparedVersion: version,
    });
    const d = {
      serviceType: ctx.type,
      oldRootId: oldRoot.id,
      newRootId: root.id,
      newIntermediateId: inter.id,
      bundleVersion: version,
    };
    await auditCli(s, ctx.now, action, 'ok', d);
    return d;
  });
  return {
    action,
    noop: false,
    details,
    message: `prepared '${ctx.type}': new root ${root.id} (incoming), intermediate ${inter.id} (standby); bundle v${details.bundleVersion}`,
  };
}

/** activate: issue from the new CA once the affected sidecars hold the prepare bundle. */
export async function activatePhase(
  ctx: StepContext,
  o: { windowSeconds: number; threshold: number },
): Promise<StepResult> {
  const action = 'ca.rotate.activate';
  const cas = await typeCas(ctx.store, ctx.type);
  const rot = await readRotation(ctx.store, ctx.type);
  if (rot?.phase === 'activated') {
    return {
      action,
      noop: true,
      details: { ...rot, serviceType: ctx.type },
      message: `activate of '${ctx.type}' was already done (root ${rot.newRootId} active); nothing to do`,
    };
  }
  if (rot?.phase !== 'prepared')
    throw new CaError('ROTATION_PHASE_INVALID', `activate of '${ctx.type}' needs a prepare first`);
  const newRoot = caById(cas, rot.newRootId);
  const newInter = caById(cas, rot.newIntermediateId);
  const oldRoot = caById(cas, rot.oldRootId);
  const sidecars = sidecarViews(await ctx.store.listStatusReports());
  const types = affectedTypes(ctx.mesh, ctx.type);
  const a = adoption(sidecars, types, rot.preparedVersion, o.threshold);
  const forced = !a.ok;
  if (!a.ok) {
    const why =
      `${a.laggards.length} of ${a.total} sidecars (${types.join(', ')}) have not loaded bundle v${rot.preparedVersion}: ` +
      names(
        a.laggards.map((l) => `${l.instanceId} (${l.bundleVersion === null ? 'no version' : `v${l.bundleVersion}`})`),
      ) +
      ` — ${a.required} needed, ${a.upToDate.length} ready`;
    if (!ctx.force) throw new CaError('ROTATION_NOT_SAFE', why);
    noteForced(ctx, why);
  }
  const renewBeforeUnix = Math.floor(ctx.now.getTime() / 1000) + o.windowSeconds;
  const oldInters = intermediatesOf(cas, oldRoot).filter((i) => i.state === 'active');
  const details = await ctx.store.transaction(async (s) => {
    await s.setCaState(newRoot.id, 'active');
    await s.setCaState(newInter.id, 'active');
    for (const r of rootFamily(cas, oldRoot).filter((r) => r.state === 'active')) await s.setCaState(r.id, 'retiring');
    for (const i of oldInters) await s.setCaState(i.id, 'standby');
    await s.setMeta(renewBeforeMetaKey(ctx.type), String(renewBeforeUnix));
    const version = await bumpBundleVersion(s);
    await writeRotation(s, ctx.type, { ...rot, phase: 'activated', renewBeforeUnix });
    const d = {
      serviceType: ctx.type,
      oldRootId: oldRoot.id,
      newRootId: newRoot.id,
      newIntermediateId: newInter.id,
      bundleVersion: version,
      renewBeforeUnix,
      forced,
      sidecarsReady: a.upToDate.length,
      sidecarsTotal: a.total,
    };
    await auditCli(s, ctx.now, action, 'ok', d);
    return d;
  });
  return {
    action,
    noop: false,
    details,
    message: `activated '${ctx.type}': issuing from ${newInter.id}; sidecars renew before ${new Date(renewBeforeUnix * 1000).toISOString()}; bundle v${details.bundleVersion}`,
  };
}

/** retire: drop the old root once nothing depends on it; archive its keys. */
export async function retirePhase(ctx: StepContext, o: { sinceSeconds: number }): Promise<StepResult> {
  const action = 'ca.rotate.retire';
  const cas = await typeCas(ctx.store, ctx.type);
  const rot = await readRotation(ctx.store, ctx.type);
  if (rot?.phase === 'retired') {
    // Finish what a crash after the transaction may have left: the archive moves.
    const archived = archiveAll(ctx, [
      ...rootFamily(cas, caById(cas, rot.oldRootId)),
      ...intermediatesOf(cas, caById(cas, rot.oldRootId)),
    ]);
    return {
      action,
      noop: true,
      details: { ...rot, serviceType: ctx.type, archived },
      message: `retire of '${ctx.type}' was already done (old root ${rot.oldRootId} retired)${archived.length > 0 ? `; archived ${archived.length} key file(s) left in place` : ''}; nothing else to do`,
    };
  }
  if (rot?.phase !== 'activated') {
    throw new CaError(
      'ROTATION_PHASE_INVALID',
      `retire of '${ctx.type}' needs ${rot?.phase === 'prepared' ? 'activate' : 'prepare and activate'} first`,
    );
  }
  const oldRoot = caById(cas, rot.oldRootId);
  const family = rootFamily(cas, oldRoot);
  const oldInters = intermediatesOf(cas, oldRoot);
  const b = await retireBlockers({
    store: ctx.store,
    type: ctx.type,
    oldIntermediates: oldInters,
    sidecars: sidecarViews(await ctx.store.listStatusReports()),
    now: ctx.now,
    since: new Date(ctx.now.getTime() - o.sinceSeconds * 1000),
  });
  const forced = !retireIsSafe(b);
  if (forced) {
    if (!ctx.force) throw new CaError('ROTATION_NOT_SAFE', describeRetireBlockers(b));
    noteForced(ctx, describeRetireBlockers(b));
  }
  const details = await ctx.store.transaction(async (s) => {
    for (const c of [...family, ...oldInters]) if (c.state !== 'retired') await s.setCaState(c.id, 'retired');
    await s.setMeta(renewBeforeMetaKey(ctx.type), '0');
    const version = await bumpBundleVersion(s);
    await writeRotation(s, ctx.type, { ...rot, phase: 'retired' });
    const d = {
      serviceType: ctx.type,
      oldRootId: oldRoot.id,
      retired: [...family, ...oldInters].map((c) => c.id),
      bundleVersion: version,
      forced,
      liveOldLeaves: b.liveLeaves.length,
    };
    await auditCli(s, ctx.now, action, 'ok', d);
    return d;
  });
  ctx.hooks?.afterStore?.();
  const archived = archiveAll(ctx, [...family, ...oldInters]);
  return {
    action,
    noop: false,
    details: { ...details, archived },
    message: `retired '${ctx.type}' root ${oldRoot.id} and ${oldInters.length} intermediate(s); ${archived.length} key file(s) moved to ${LAYOUT.archive}/; bundle v${details.bundleVersion}`,
  };
}

function archiveAll(ctx: StepContext, cas: readonly { keyRef: string }[]): string[] {
  const refs = [...new Set(cas.map((c) => c.keyRef))];
  return refs.map((r) => archiveKey(ctx.dir, r)).filter((p): p is string => p !== null);
}
