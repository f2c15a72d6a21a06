/**
 * @trustmesh/policy — the mesh config (`trustmesh.yaml`), the trust matrix and the signing
 * policy. Pure: no I/O, no clock, no environment; depends on nothing of ours but the grammar
 * of @trustmesh/names.
 */
export { PolicyError, isPolicyError, formatIssues, policyErrorMessage } from './errors';
export type { PolicyErrorCode, PolicyIssue } from './errors';
export {
  DEFAULT_KEY_TYPES,
  DEFAULT_LEAF_TTL_SECONDS,
  DEFAULT_MAX_TTL_SECONDS,
  KEY_TYPES,
  MAX_TTL_LIMIT_SECONDS,
  MIN_RSA_BITS,
  MIN_TTL_SECONDS,
} from './mesh-config';
export type { MeshConfig, PolicyKeyType, ServiceTypePolicy } from './mesh-config';
export { parseMeshConfig, meshConfigFromTypes, MAX_CONFIG_BYTES } from './parse-config';
export { validateMeshConfig } from './config-validate';
export { parseDuration, formatDuration } from './duration';
export { RESERVED_TYPE_NAMES, validateServiceTypeName, validateInstanceId, isDnsName } from './names';
export { DNS_TEMPLATE_PLACEHOLDERS, renderDnsTemplate } from './dns-template';
export { acceptedPeers, dialedPeers, mayConnect, requireType, serviceTypeNames } from './trust-matrix';
export { evaluateSignRequest, allowedDnsNames, OID_SUBJECT_ALT_NAME, TOLERATED_EXTENSIONS } from './sign-request';
export type { SignDecision, SignRequest, SignRequestCsr } from './sign-request';
export { isIpAddress } from '@trustmesh/names';
export {
  backoffDelayMs,
  renewalTime,
  DEFAULT_BACKOFF,
  RENEW_FRACTION,
  RENEW_JITTER,
  type BackoffPolicy,
} from './renewal-schedule';
