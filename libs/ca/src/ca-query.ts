/** Finding a type's CAs in the store. */
import type { CaRecord, Store } from '@trustmesh/store';
import { CaError } from './errors';

/**
 * The active issuing intermediate of `type` (the newest when several are active) and its
 * root. The root is the current record of the parent's key: after `ca renew --keep-key` the
 * parent record is retired and a newer record with the same key file carries the certificate
 * in force. Throws CA_NOT_FOUND when the type has no active intermediate or its root is missing.
 */
export async function activeCaSet(store: Store, type: string): Promise<{ root: CaRecord; intermediate: CaRecord }> {
  const inters = await store.listCas({ serviceType: type, role: 'intermediate', state: 'active' });
  const intermediate = [...inters].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  if (!intermediate) throw new CaError('CA_NOT_FOUND', `no active intermediate for '${type}'`);
  const parent = intermediate.parentId ? await store.getCa(intermediate.parentId) : null;
  if (!parent) throw new CaError('CA_NOT_FOUND', `root of intermediate ${intermediate.id} is missing`);
  const family = (await store.listCas({ serviceType: type, role: 'root' })).filter((r) => r.keyRef === parent.keyRef);
  const current = family
    .filter((r) => r.state !== 'retired')
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  return { root: current ?? parent, intermediate };
}
