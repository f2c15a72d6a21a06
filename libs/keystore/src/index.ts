/**
 * @trustmesh/keystore — CA key custody on disk: encrypted key files (scrypt + AES-256-GCM),
 * crash-safe atomic writes, and an exclusive lock file for state-directory writers.
 */
export { KeystoreError, isKeystoreError, type KeystoreErrorCode } from './errors';
export { DEFAULT_KDF, FAST_KDF, validateKdfParams, type KdfParams } from './kdf';
export { ENCRYPTED_LABEL, sealPkcs8, openPkcs8, isSealed } from './envelope';
export { writeFileAtomic, fsyncDir, type AtomicWriteOptions, type FsOps } from './atomic-write';
export { writeKeyFile, readKeyFile, describeKeyFile, type KeyProtection, type KeyFileInfo } from './key-file';
export { acquireLock, type LockHandle } from './lock';
