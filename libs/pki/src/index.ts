/**
 * @trustmesh/pki — the pure X.509 core of TrustMesh: keys, PEM/DER, CSR build and
 * parse+verify, CA and leaf issuance, inspection, chain verification, PKCS#12 export.
 * No I/O, no clock, no environment: time and randomness come in as parameters.
 * See README.md for the design notes (why its own DER codec).
 */
export { PkiError, isPkiError, type PkiErrorCode } from './errors';
export {
  generateKeyPair,
  exportPrivateKey,
  importPrivateKey,
  exportPublicKey,
  importPublicKey,
  spkiPin,
  keyAlgorithmOf,
  type KeyAlgorithm,
  type PublicKeyAlgorithm,
  type RandomSource,
} from './keys';
export { pemEncode, pemDecodeAll, toDer } from './pem';
export type { SubjectName } from './names';
export type { SanSet } from './san';
export { buildCsr, type BuildCsrOptions } from './csr-build';
export { parseCsr, DEFAULT_MAX_CSR_BYTES, type CsrPublicKey, type ParsedCsr, type ParseCsrOptions } from './csr-parse';
export { spiffeId, parseSpiffeId } from './spiffe';
export { createRootCertificate, createIntermediateCertificate, type RootOptions, type IntermediateOptions } from './ca';
export {
  createLeafIssuer,
  type LeafRequest,
  type IssuedLeaf,
  type LeafIssuer,
  type LeafIssuerOptions,
} from './leaf-issuer';
export { inspect, type CertSummary } from './inspect';
export { verifyChain, type VerifyChainOptions } from './verify-chain';
export { exportPkcs12, type Pkcs12Options } from './pkcs12';
export { parseDer, type DerNode, type DerReadOptions } from './der/reader';
