/**
 * Sidecar config cases, written once and asserted by every test that reads a config: the parser
 * (config/parse-config.spec.ts), the checks before the network (control/preflight.spec.ts), a
 * start and `--check` (control/command.spec.ts, control/check.spec.ts). Each bad case names the
 * exact (path, code) of every problem. Certificates and keys are minted when a case is written.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAYOUT } from '@trustmesh/ca';
import { exportPrivateKey, generateKeyPair, pemEncode } from '@trustmesh/pki';
import { createTestCa } from './test-mesh';

/** `signer.caFile` and `signer.tokenFile` of {@link EXAMPLE_CONFIG} (relative: nothing is there). */
export const EXAMPLE_CA_FILE = `state/${LAYOUT.platformRoot}`;
export const EXAMPLE_TOKEN_FILE = 'api.token';

/** A valid config with both route kinds and the file names above. */
export const EXAMPLE_CONFIG = `
serviceType: api
instanceId: api-1                 # default: hostname-based
signer: { address: 127.0.0.1:7443, caFile: ${EXAMPLE_CA_FILE}, tokenFile: ${EXAMPLE_TOKEN_FILE} }
inbound:                          # mTLS in, plaintext to the local service
  - { name: http, listen: 127.0.0.1:15001, forward: 127.0.0.1:8080, accept: [web] }
outbound:                         # plaintext from the local service, mTLS out
  - { name: db, listen: 127.0.0.1:16001, connect: 127.0.0.1:15002, peerType: db }
admin: { listen: 127.0.0.1:15900 }
`;

/** One problem as the tests compare it. */
export interface PathCode {
  path: string;
  code: string;
}

/** A bad document: its name, its text, and every issue the parser reports, in document order. */
export type BadConfigCase = [name: string, text: string, issues: PathCode[]];

/** Documents the parser refuses, one problem each (a start exits 2 with CONFIG_INVALID). */
export const BAD_CONFIGS: readonly BadConfigCase[] = [
  ['fail/YAML syntax', 'serviceType: [api\n', [{ path: 'line 2', code: 'YAML_SYNTAX' }]],
  ['fail/not a mapping', '- a\n- b\n', [{ path: '(document)', code: 'WRONG_TYPE' }]],
  [
    'fail/unknown top-level field',
    `${EXAMPLE_CONFIG}serviceTyp: api\n`,
    [{ path: 'serviceTyp', code: 'UNKNOWN_FIELD' }],
  ],
  [
    'fail/bad listen port',
    EXAMPLE_CONFIG.replace('127.0.0.1:15001', '127.0.0.1:70000'),
    [{ path: 'inbound[0].listen', code: 'ADDRESS_INVALID' }],
  ],
  [
    'fail/port 0 is only for listeners',
    EXAMPLE_CONFIG.replace('127.0.0.1:8080', '127.0.0.1:0'),
    [{ path: 'inbound[0].forward', code: 'ADDRESS_INVALID' }],
  ],
  [
    'fail/empty accept',
    EXAMPLE_CONFIG.replace('accept: [web]', 'accept: []'),
    [{ path: 'inbound[0].accept', code: 'EMPTY_LIST' }],
  ],
  [
    'fail/duplicate accepted type',
    EXAMPLE_CONFIG.replace('accept: [web]', 'accept: [web, web]'),
    [{ path: 'inbound[0].accept[1]', code: 'DUPLICATE' }],
  ],
  [
    'fail/duplicate route name',
    EXAMPLE_CONFIG.replace('name: db', 'name: http'),
    [{ path: 'outbound[0].name', code: 'DUPLICATE' }],
  ],
  [
    'fail/two routes on one address',
    EXAMPLE_CONFIG.replace('127.0.0.1:16001', '127.0.0.1:15001'),
    [{ path: 'outbound[0].listen', code: 'DUPLICATE' }],
  ],
  [
    'fail/bad duration',
    `${EXAMPLE_CONFIG}limits: { idleTimeout: 10 }\n`,
    [{ path: 'limits.idleTimeout', code: 'DURATION_INVALID' }],
  ],
  [
    'fail/instance id the signer refuses (underscore)',
    EXAMPLE_CONFIG.replace('instanceId: api-1', 'instanceId: db_1'),
    [{ path: 'instanceId', code: 'INSTANCE_ID_INVALID' }],
  ],
  [
    'fail/upper-case instance id',
    EXAMPLE_CONFIG.replace('instanceId: api-1', 'instanceId: API-1'),
    [{ path: 'instanceId', code: 'INSTANCE_ID_INVALID' }],
  ],
  [
    'fail/type name ending in a hyphen',
    EXAMPLE_CONFIG.replace('serviceType: api', 'serviceType: api-'),
    [{ path: 'serviceType', code: 'TYPE_NAME_INVALID' }],
  ],
  [
    'fail/bad peer type',
    EXAMPLE_CONFIG.replace('peerType: db', 'peerType: db_1'),
    [{ path: 'outbound[0].peerType', code: 'TYPE_NAME_INVALID' }],
  ],
  [
    'fail/route name that is no DNS label',
    EXAMPLE_CONFIG.replace('name: http', 'name: Http'),
    [{ path: 'inbound[0].name', code: 'DNS_NAME_INVALID' }],
  ],
  [
    'fail/underscore in a host name',
    EXAMPLE_CONFIG.replace('127.0.0.1:15002', 'db_1.internal:15002'),
    [{ path: 'outbound[0].connect', code: 'ADDRESS_INVALID' }],
  ],
  [
    'fail/unbracketed IPv6',
    EXAMPLE_CONFIG.replace('127.0.0.1:8080', "'::1:8080'"),
    [{ path: 'inbound[0].forward', code: 'ADDRESS_INVALID' }],
  ],
  [
    'fail/zero duration',
    `${EXAMPLE_CONFIG}limits: { drainTimeout: 0s }\n`,
    [{ path: 'limits.drainTimeout', code: 'DURATION_INVALID' }],
  ],
  [
    'fail/compound duration',
    `${EXAMPLE_CONFIG}limits: { idleTimeout: 1h30m }\n`,
    [{ path: 'limits.idleTimeout', code: 'DURATION_INVALID' }],
  ],
  [
    'fail/duration out of range',
    `${EXAMPLE_CONFIG}limits: { handshakeTimeout: 10ms }\n`,
    [{ path: 'limits.handshakeTimeout', code: 'DURATION_INVALID' }],
  ],
  [
    'fail/bad TLS version',
    `${EXAMPLE_CONFIG}tlsMinVersion: '1.1'\n`,
    [{ path: 'tlsMinVersion', code: 'INVALID_ENUM' }],
  ],
  [
    'fail/no routes at all',
    EXAMPLE_CONFIG.replace(/inbound:.*\n.*\n/, '').replace(/outbound:.*\n.*\n/, ''),
    [{ path: 'inbound', code: 'EMPTY_LIST' }],
  ],
];

/** A document with many problems: every one is listed, in document order, with its path. */
export const MANY_PROBLEMS: { text: string; issues: PathCode[] } = {
  text: `
serviceType: API
signer: { address: localhost, tokenFile: ${EXAMPLE_TOKEN_FILE} }
inbound:
  - { name: http, listen: nowhere, forward: 127.0.0.1:8080, accept: [web, Bad], acept: [x] }
outbound:
  - { name: db, listen: 127.0.0.1:16001, peerType: db }
limits: { maxConnections: 0 }
`,
  issues: [
    { path: 'serviceType', code: 'TYPE_NAME_INVALID' },
    { path: 'signer.address', code: 'ADDRESS_INVALID' },
    { path: 'signer.caFile', code: 'REQUIRED' },
    { path: 'inbound[0].acept', code: 'UNKNOWN_FIELD' },
    { path: 'inbound[0].listen', code: 'ADDRESS_INVALID' },
    { path: 'inbound[0].accept[1]', code: 'TYPE_NAME_INVALID' },
    { path: 'outbound[0].connect', code: 'REQUIRED' },
    { path: 'admin', code: 'REQUIRED' },
    { path: 'limits.maxConnections', code: 'INVALID_NUMBER' },
  ],
};

/** The files a config names, written into a directory by {@link writeFiles}. */
export interface CaseFiles {
  config: string;
  caFile: string;
  tokenFile: string;
  keyFile: string;
}

/**
 * Writes into `dir` a signer CA file (a certificate minted now), a token file and a P-256 key file
 * (mode 0600), and `text` as the config with the example's file names pointing at them (and
 * `keyFile` added when `withKey`). Returns the paths; a case then breaks one of them.
 */
export function writeFiles(dir: string, text = EXAMPLE_CONFIG, o: { withKey?: boolean } = {}): CaseFiles {
  mkdirSync(dir, { recursive: true });
  const f: CaseFiles = {
    config: join(dir, 'sidecar.yaml'),
    caFile: join(dir, 'signer-ca.pem'),
    tokenFile: join(dir, 'api.token'),
    keyFile: join(dir, 'api.key'),
  };
  writeFileSync(f.caFile, pemEncode('CERTIFICATE', createTestCa('platform', new Date()).root));
  writeFileSync(f.tokenFile, 'tmb_test-token\n');
  writeFileSync(f.keyFile, exportPrivateKey(generateKeyPair('ec-p256').privateKey, 'pem') as string, { mode: 0o600 });
  writeFileSync(f.config, `${withFiles(text, f)}${o.withKey ? `keyFile: ${f.keyFile}\n` : ''}`);
  return f;
}

/** `text` with the example's CA and token file names replaced by `f`'s. */
export function withFiles(text: string, f: Pick<CaseFiles, 'caFile' | 'tokenFile'>): string {
  return text.split(EXAMPLE_CA_FILE).join(f.caFile).split(EXAMPLE_TOKEN_FILE).join(f.tokenFile);
}

/** A valid config whose files break in one way: the problem a check reports, and how a start ends. */
export interface BadFilesCase {
  name: string;
  /** Writes the case into the empty directory `dir`; returns the path to hand to `--config`. */
  write(dir: string): string;
  /** The one problem `--check` reports. */
  problem: PathCode;
  /**
   * A start: exit 2 (a configuration error), exit 1 (cannot start), or `starts` (the problem
   * only fails the first issuance, which is retried: the file may be fixed without a restart).
   */
  start: 1 | 2 | 'starts';
}

/** Config files that parse but cannot be used; each breaks one thing. */
export const BAD_FILES: readonly BadFilesCase[] = [
  {
    name: 'fail/the config file does not exist',
    write: (dir) => join(dir, 'missing.yaml'),
    problem: { path: '--config', code: 'CONFIG_UNREADABLE' },
    start: 2,
  },
  {
    name: 'fail/the config path is a directory',
    write: (dir) => dir,
    problem: { path: '--config', code: 'CONFIG_UNREADABLE' },
    start: 2,
  },
  {
    name: 'fail/key file readable by others',
    write: (dir) => {
      const f = writeFiles(dir, EXAMPLE_CONFIG, { withKey: true });
      chmodSync(f.keyFile, 0o644);
      return f.config;
    },
    problem: { path: 'keyFile', code: 'KEY_FILE_INSECURE' },
    start: 2,
  },
  {
    name: 'fail/the signer CA file does not exist',
    write: (dir) => {
      const f = writeFiles(dir);
      writeFileSync(f.config, withFiles(EXAMPLE_CONFIG, { ...f, caFile: join(dir, 'nope.pem') }));
      return f.config;
    },
    problem: { path: 'signer.caFile', code: 'CA_FILE_UNREADABLE' },
    start: 1,
  },
  {
    name: 'fail/the signer CA file holds no certificate',
    write: (dir) => {
      const f = writeFiles(dir);
      writeFileSync(f.caFile, 'not a certificate\n');
      return f.config;
    },
    problem: { path: 'signer.caFile', code: 'CA_FILE_UNREADABLE' },
    start: 1,
  },
  {
    name: 'fail/the signer CA file holds a CERTIFICATE block that is no certificate',
    write: (dir) => {
      const f = writeFiles(dir);
      writeFileSync(f.caFile, '-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n');
      return f.config;
    },
    problem: { path: 'signer.caFile', code: 'CA_FILE_UNREADABLE' },
    start: 1,
  },
  {
    name: 'fail/the token file does not exist',
    write: (dir) => {
      const f = writeFiles(dir);
      writeFileSync(f.config, withFiles(EXAMPLE_CONFIG, { ...f, tokenFile: join(dir, 'nope.token') }));
      return f.config;
    },
    problem: { path: 'signer.tokenFile', code: 'TOKEN_UNREADABLE' },
    start: 'starts',
  },
  {
    name: 'fail/the token file is empty',
    write: (dir) => {
      const f = writeFiles(dir);
      writeFileSync(f.tokenFile, '\n');
      return f.config;
    },
    problem: { path: 'signer.tokenFile', code: 'TOKEN_UNREADABLE' },
    start: 'starts',
  },
  {
    name: 'fail/the key file holds no P-256 key',
    write: (dir) => {
      const f = writeFiles(dir, EXAMPLE_CONFIG, { withKey: true });
      writeFileSync(f.keyFile, 'not a key\n');
      return f.config;
    },
    problem: { path: 'keyFile', code: 'KEY_FILE_FAILED' },
    start: 'starts',
  },
];
