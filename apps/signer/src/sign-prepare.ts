import type { KeyObject } from 'node:crypto';
import {
  parseCsr,
  PkiError,
  spkiPin,
  type CsrPublicKey,
  type IssuedLeaf,
  type LeafIssuer,
  type PkiErrorCode,
} from '@trustmesh/pki';
import {
  evaluateSignRequest,
  PolicyError,
  type MeshConfig,
  type PolicyErrorCode,
  type PolicyIssue,
  type SignDecision,
} from '@trustmesh/policy';

/** The CPU-bound part of a Sign call, as data (it may cross to a worker thread). */
export interface PrepareRequest {
  csr: Uint8Array;
  serviceType: string;
  instanceId: string;
  /** The request's clock reading, ms since the epoch. */
  nowMs: number;
  /**
   * When set, also issue the leaf from this CA ahead of authentication (worker threads only, so
   * the main thread gets everything in one round trip). The caller uses that leaf only after its
   * own checks passed and only if the CA is still the one it would pick; otherwise it is dropped.
   */
  speculativeCaId?: string;
}

/** What the CSR and policy checks produced. */
export interface Prepared {
  decision: SignDecision;
  /** SPKI pin of the CSR's key (stored with the issued record). */
  spkiPin: string;
  /** The CSR's public key, parsed (in-process only; a worker returns `spkiDer` instead). */
  publicKey?: CsrPublicKey;
  spkiDer: Uint8Array;
  /** The speculative issuance, when asked for and the CA was known. */
  speculative?: { caId: string; leaf?: IssuedLeaf; error?: SerializedError };
}

/** An error as plain data: the typed errors of pki and policy survive the trip with their code. */
export interface SerializedError {
  kind: 'pki' | 'policy' | 'other';
  code?: string;
  detail?: string;
  issues?: PolicyIssue[];
  message: string;
}

/**
 * Parses and verifies the CSR, judges it against the mesh policy and, when asked, issues the
 * leaf from `issuers` (by CA id). Throws what parseCsr / evaluateSignRequest throw (PkiError,
 * PolicyError); an issuance failure is returned as `speculative.error`, not thrown, because it
 * must surface only after authentication (the caller's order of checks decides the error).
 */
export function prepareSign(mesh: MeshConfig, issuers: ReadonlyMap<string, LeafIssuer>, r: PrepareRequest): Prepared {
  const csr = parseCsr(Buffer.isBuffer(r.csr) ? r.csr : Buffer.from(r.csr.buffer, r.csr.byteOffset, r.csr.byteLength));
  const decision = evaluateSignRequest(mesh, { serviceType: r.serviceType, instanceId: r.instanceId, csr });
  const out: Prepared = {
    decision,
    spkiPin: spkiPin(csr.publicKey.spkiDer),
    publicKey: csr.publicKey,
    spkiDer: csr.publicKey.spkiDer,
  };
  const issuer = r.speculativeCaId === undefined ? undefined : issuers.get(r.speculativeCaId);
  if (issuer) {
    try {
      out.speculative = {
        caId: issuer.caId,
        leaf: issuer.issue({
          publicKey: csr.publicKey,
          sans: decision.sans,
          now: new Date(r.nowMs),
          ttlSeconds: decision.ttlSeconds,
        }),
      };
    } catch (err) {
      out.speculative = { caId: issuer.caId, error: serializeError(err) };
    }
  }
  return out;
}

/** Plain-data form of an error (for postMessage). */
export function serializeError(err: unknown): SerializedError {
  if (err instanceof PkiError)
    return {
      kind: 'pki',
      code: err.code,
      ...(err.detail !== undefined ? { detail: err.detail } : {}),
      message: err.message,
    };
  if (err instanceof PolicyError) {
    return {
      kind: 'policy',
      code: err.code,
      ...(err.detail !== undefined ? { detail: err.detail } : {}),
      ...(err.issues ? { issues: err.issues } : {}),
      message: err.message,
    };
  }
  return { kind: 'other', message: err instanceof Error ? err.message : String(err) };
}

/** The typed error again (same class, code and message); anything else becomes a plain Error. */
export function deserializeError(e: SerializedError): Error {
  if (e.kind === 'pki') return new PkiError(e.code as PkiErrorCode, e.detail);
  if (e.kind === 'policy') return new PolicyError(e.code as PolicyErrorCode, e.detail, e.issues);
  return new Error(e.message);
}

/** A CA as sent to a worker: its certificate and private key (KeyObjects can be posted). */
export interface IssuerMaterial {
  caCertificate: Uint8Array;
  caPrivateKey: KeyObject;
}
