/**
 * The two rotations that keep the root's key: a new issuing intermediate under the same root,
 * and re-issuing the root certificate itself from the same key (`ca renew --keep-key`).
 */
import { createPublicKey } from 'node:crypto';
import { createRootCertificate, inspect } from '@trustmesh/pki';
import type { CaRecord } from '@trustmesh/store';
import { CaError } from './errors';
import { createIntermediate, ROOT_TTL_S } from './ca-factory';
import { provenProtection } from './protection';
import { activeRoot, bumpBundleVersion, intermediatesOf, rootFamily, rootsIn, typeCas } from './rotation-state';
import { type StepContext, type StepResult } from './rotation-step';
import { auditCli } from './session';
import { readKeyFileForCa } from './unlock';

/** CA certificates start a little in the past, like init's (a lagging peer clock still accepts them). */
const CA_BACKDATE_MS = 300_000;

/**
 * A new issuing intermediate under the type's active root: the new one 'active' (the signer
 * issues from the newest active at once), the root's other active intermediates 'standby' (their
 * leaves keep verifying and move over at their next renewal). No bundle change, no version bump.
 * Needs the root key: KEY_NOT_FOUND when offline/ was moved away, KEY_PASSPHRASE_WRONG.
 */
export async function rotateIntermediate(ctx: StepContext): Promise<StepResult> {
  const action = 'ca.rotate.intermediate';
  const cas = await typeCas(ctx.store, ctx.type);
  const root = activeRoot(cas, ctx.type);
  const protection = await provenProtection({
    dir: ctx.dir,
    store: ctx.store,
    passphrase: ctx.passphrase,
    kdf: ctx.kdf,
    warn: ctx.warn,
  });
  const rootKey = await readKeyFileForCa(ctx.dir, root, protection);
  const files: string[] = [];
  const inter = await createIntermediate({
    dir: ctx.dir,
    type: ctx.type,
    trustDomain: ctx.mesh.trustDomain,
    now: ctx.now,
    root: { record: root, privateKey: rootKey },
    protection,
    files,
  });
  ctx.hooks?.afterKeys?.();
  const previous = intermediatesOf(cas, root).filter((i) => i.state === 'active');
  const details = {
    serviceType: ctx.type,
    rootId: root.id,
    intermediateId: inter.id,
    standby: previous.map((i) => i.id),
  };
  await ctx.store.transaction(async (s) => {
    await s.putCa(inter);
    for (const i of previous) await s.setCaState(i.id, 'standby');
    await auditCli(s, ctx.now, action, 'ok', details);
  });
  return {
    action,
    noop: false,
    details,
    message: `'${ctx.type}' issues from intermediate ${inter.id} now; ${previous.length} previous intermediate(s) on standby; bundle unchanged`,
  };
}

/**
 * Re-issues the type's active root certificate from the same key with a new 10-year validity:
 * same subject, same key, hence same SKI, so every certificate under it keeps verifying. The
 * CA id is the SKI and ids are unique, so the new certificate is a second record
 * `<ski>-r<N>` with the same keyRef; it becomes 'active' (it is what the bundle carries) and the
 * previous record 'retired'. Refused during a root rotation (ROTATION_PHASE_INVALID).
 */
export async function renewRootKeepKey(ctx: StepContext): Promise<StepResult> {
  const action = 'ca.renew';
  const cas = await typeCas(ctx.store, ctx.type);
  if (rootsIn(cas, 'incoming').length > 0 || rootsIn(cas, 'retiring').length > 0) {
    throw new CaError(
      'ROTATION_PHASE_INVALID',
      `'${ctx.type}' has a root rotation in progress; finish it (retire) before renewing`,
    );
  }
  const old = activeRoot(cas, ctx.type);
  const protection = await provenProtection({
    dir: ctx.dir,
    store: ctx.store,
    passphrase: ctx.passphrase,
    kdf: ctx.kdf,
    warn: ctx.warn,
  });
  const key = await readKeyFileForCa(ctx.dir, old, protection);
  const before = inspect(old.certificateDer);
  const der = createRootCertificate({
    privateKey: key,
    publicKey: createPublicKey(key),
    subject: subjectOf(old),
    pathLen: 1,
    notBefore: new Date(ctx.now.getTime() - CA_BACKDATE_MS),
    notAfter: new Date(ctx.now.getTime() + ROOT_TTL_S * 1000),
  });
  const after = inspect(der);
  // Leaves chain by name and key: refuse rather than issue a root they would not chain to.
  if (
    after.subject !== before.subject ||
    after.subjectKeyId !== before.subjectKeyId ||
    !after.notBefore ||
    !after.notAfter
  ) {
    throw new CaError('CA_CERT_INVALID', `re-issued root differs from ${old.id} in subject or key id`);
  }
  const family = rootFamily(cas, old);
  const baseId = family[0]?.id ?? old.id;
  const rec: CaRecord = {
    ...old,
    id: `${baseId}-r${family.length + 1}`,
    state: 'active',
    certificateDer: der,
    notBefore: after.notBefore,
    notAfter: after.notAfter,
    createdAt: ctx.now,
  };
  const details = await ctx.store.transaction(async (s) => {
    await s.putCa(rec);
    await s.setCaState(old.id, 'retired');
    const version = await bumpBundleVersion(s);
    const d = {
      serviceType: ctx.type,
      previousRecordId: old.id,
      recordId: rec.id,
      subjectKeyId: baseId,
      notAfter: rec.notAfter.toISOString(),
      bundleVersion: version,
    };
    await auditCli(s, ctx.now, action, 'ok', d);
    return d;
  });
  return {
    action,
    noop: false,
    details,
    message: `renewed '${ctx.type}' root ${baseId} (same key) until ${rec.notAfter.toISOString()}: record ${rec.id}; bundle v${details.bundleVersion}`,
  };
}

/** The SubjectName init used (CN + O), rebuilt from the record's subject text. */
function subjectOf(root: CaRecord): { commonName: string; organization?: string } {
  const parts = new Map<string, string>();
  for (const line of root.subject.split(/\n|,\s*/)) {
    const eq = line.indexOf('=');
    if (eq > 0) parts.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  const cn = parts.get('CN');
  if (!cn) throw new CaError('CA_CERT_INVALID', `cannot read the subject of ${root.id}`);
  const o = parts.get('O');
  return o ? { commonName: cn, organization: o } : { commonName: cn };
}
