/**
 * Making CA sets: a self-signed root (10 years, key under offline/) and an issuing
 * intermediate (1 year, key under keys/), as store records plus key files.
 */
import type { KeyObject } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import {
  createIntermediateCertificate,
  createRootCertificate,
  generateKeyPair,
  inspect,
  type SubjectName,
} from '@trustmesh/pki';
import type { CaRecord } from '@trustmesh/store';
import { writeKeyFile, type KdfParams } from '@trustmesh/keystore';
import { CaError } from './errors';
import { keyRefFor, statePath } from './layout';

/** How new key files are protected: the passphrase and KDF, or plaintext (dev only). */
export type Protection = { kind: 'encrypted'; passphrase: string; kdf: KdfParams } | { kind: 'plaintext' };

/** A new CA set: records for the store; key files already written under `dir`. */
export interface NewCaSet {
  root: CaRecord;
  intermediate: CaRecord;
  /** Absolute paths of the key files written, so a failed caller can remove them. */
  files: string[];
}

const DAY_S = 86_400;
/** Roots live 10 years, issuing intermediates 1 year. */
export const ROOT_TTL_S = 3650 * DAY_S;
export const INTERMEDIATE_TTL_S = 365 * DAY_S;
/** CA certificates start a little in the past, so a peer whose clock lags still accepts them. */
const CA_BACKDATE_S = 300;

/**
 * Creates root + intermediate for `type` and writes both keys under `dir` (roots in offline/).
 * On failure, key files written so far are removed and the error is rethrown (keystore
 * KEY_WRITE_FAILED / KEY_EXISTS, or PkiError).
 */
export async function createCaSet(o: {
  dir: string;
  type: string;
  trustDomain: string;
  now: Date;
  protection: Protection;
}): Promise<NewCaSet> {
  const files: string[] = [];
  try {
    const rootKeys = generateKeyPair('ec-p256');
    const notBefore = new Date(o.now.getTime() - CA_BACKDATE_S * 1000);
    const rootDer = createRootCertificate({
      ...rootKeys,
      subject: caSubject(o.type, o.trustDomain, 'Root CA'),
      notBefore,
      notAfter: new Date(o.now.getTime() + ROOT_TTL_S * 1000),
      pathLen: 1,
    });
    const root = record(rootDer, o.type, 'root', null, o.now);
    files.push(await writeKey(o.dir, root.keyRef, rootKeys.privateKey, o.protection));
    const intermediate = await createIntermediate({
      dir: o.dir,
      type: o.type,
      trustDomain: o.trustDomain,
      now: o.now,
      root: { record: root, privateKey: rootKeys.privateKey },
      protection: o.protection,
      files,
    });
    return { root, intermediate, files };
  } catch (err) {
    removeFiles(files);
    throw err;
  }
}

/**
 * Creates an issuing intermediate under `root` (1 year, capped at the root's notAfter) and
 * writes its key to D/keys/. The written path is pushed to `files` before returning.
 */
export async function createIntermediate(o: {
  dir: string;
  type: string;
  trustDomain: string;
  now: Date;
  root: { record: CaRecord; privateKey: KeyObject };
  protection: Protection;
  files: string[];
}): Promise<CaRecord> {
  const keys = generateKeyPair('ec-p256');
  const until = Math.min(o.now.getTime() + INTERMEDIATE_TTL_S * 1000, o.root.record.notAfter.getTime());
  const day = o.now.toISOString().slice(0, 10);
  const der = createIntermediateCertificate({
    publicKey: keys.publicKey,
    subject: caSubject(o.type, o.trustDomain, `Issuing CA ${day}`),
    issuer: { certificate: o.root.record.certificateDer, privateKey: o.root.privateKey },
    notBefore: new Date(o.now.getTime() - CA_BACKDATE_S * 1000),
    notAfter: new Date(until),
    pathLen: 0,
  });
  const rec = record(der, o.type, 'intermediate', o.root.record.id, o.now);
  o.files.push(await writeKey(o.dir, rec.keyRef, keys.privateKey, o.protection));
  return rec;
}

/** Writes one key file with the chosen protection; returns its absolute path. */
export async function writeKey(dir: string, keyRef: string, key: KeyObject, p: Protection): Promise<string> {
  const path = statePath(dir, keyRef);
  await writeKeyFile(
    path,
    key,
    p.kind === 'plaintext' ? { insecurePlaintext: true } : { passphrase: p.passphrase, kdf: p.kdf },
  );
  return path;
}

/** Removes files a failed operation created (best effort: they were never referenced). */
export function removeFiles(files: readonly string[]): void {
  for (const f of files) {
    try {
      unlinkSync(f);
    } catch {
      /* already gone */
    }
  }
}

function caSubject(type: string, trustDomain: string, what: string): SubjectName {
  return { commonName: `TrustMesh ${type} ${what}`, organization: trustDomain };
}

function record(
  der: Buffer,
  type: string,
  role: 'root' | 'intermediate',
  parentId: string | null,
  now: Date,
): CaRecord {
  const s = inspect(der);
  // The SKI is the CA id everywhere (records, key file names, LeafIssuer.caId): never guess one.
  if (!s.subjectKeyId || !s.notBefore || !s.notAfter) throw new CaError('CA_CERT_INVALID', s.subject);
  const id = s.subjectKeyId.toLowerCase().replace(/[^0-9a-f]/g, '');
  return {
    id,
    serviceType: type,
    role,
    parentId,
    state: 'active',
    subject: s.subject,
    certificateDer: der,
    keyRef: keyRefFor(role, id),
    notBefore: s.notBefore,
    notAfter: s.notAfter,
    createdAt: now,
  };
}
