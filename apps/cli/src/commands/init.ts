/** `trustmesh init`: a new state directory with every CA set, the platform CA and the admin identity. */
import { meshConfigFromTypes, type MeshConfig } from '@trustmesh/policy';
import { defineCommand } from '../command';
import { COMMON_OPTIONS, type ConfigIssue } from '../config';
import { initState, LAYOUT, loadMeshFile, renderMeshYaml, type Protection } from '@trustmesh/ca';
import { printCaTable, caJson } from '../output';

/** Same floor as the keystore's KEY_PASSPHRASE_WEAK, checked here so init fails before any work. */
const MIN_PASSPHRASE_CHARS = 8;

interface InitOptions {
  /** --config FILE, or the mesh built from --trust-domain/--types. */
  source: { kind: 'file'; file: string } | { kind: 'inline'; mesh: MeshConfig };
}

export const initCommand = defineCommand<InitOptions>({
  path: ['init'],
  summary: 'create a state directory: a CA set per service type, the platform CA, the admin identity',
  help: [
    'Creates, per service type, a self-signed root (10 years; key in D/offline/) and an issuing',
    'intermediate (1 year; key in D/keys/), the platform CA set for the signer, an admin identity',
    `(D/admin/, spiffe://<trust-domain>/admin/cli, 30 days), D/${LAYOUT.mesh} and the store D/${LAYOUT.db}.`,
    'Refuses a directory that already holds a CA (ALREADY_INITIALIZED): keys are never overwritten',
    'or deleted, and there is no --force. Key files are encrypted with the passphrase from',
    '--passphrase-file or TRUSTMESH_PASSPHRASE (scrypt + AES-256-GCM).',
  ].join('\n'),
  args: {
    positionals: [],
    options: {
      dir: COMMON_OPTIONS.dir,
      config: {
        type: 'string',
        valueName: 'FILE',
        describe: 'mesh config (trustmesh.yaml); or use --trust-domain and --types',
      },
      'trust-domain': { type: 'string', valueName: 'TD', describe: 'trust domain, e.g. example.test (with --types)' },
      types: { type: 'string', valueName: 'a,b', describe: 'comma-separated service types (with --trust-domain)' },
      'passphrase-file': COMMON_OPTIONS['passphrase-file'],
      'insecure-plaintext-keys': { type: 'boolean', describe: 'write keys UNENCRYPTED (development only)' },
      json: COMMON_OPTIONS.json,
    },
  },
  configure(args, issues, ctx): InitOptions {
    const v = args.values;
    const file = typeof v.config === 'string' ? v.config : undefined;
    const td = typeof v['trust-domain'] === 'string' ? v['trust-domain'] : undefined;
    const types = typeof v.types === 'string' ? v.types : undefined;
    // An unreadable or empty --passphrase-file was already reported; plaintext mode needs none.
    const passphraseIssue =
      issues.some((i) => i.where === '--passphrase-file') || ctx.insecurePlaintextKeys
        ? undefined
        : checkPassphrase(ctx.passphrase);
    if (passphraseIssue) issues.push({ where: '--passphrase-file', message: passphraseIssue });
    if (file !== undefined && (td !== undefined || types !== undefined)) {
      issues.push({ where: '--config', message: 'cannot be combined with --trust-domain/--types' });
      return { source: { kind: 'file', file } };
    }
    if (file !== undefined) return { source: { kind: 'file', file } };
    if (td === undefined && types === undefined) {
      issues.push({ where: '--config', message: 'give --config FILE or --trust-domain TD --types a,b' });
    } else if (td === undefined) {
      issues.push({ where: '--trust-domain', message: 'required with --types' });
    } else if (types === undefined) {
      issues.push({ where: '--types', message: 'required with --trust-domain' });
    } else {
      return { source: { kind: 'inline', mesh: inlineMesh(td, types, issues) } };
    }
    return { source: { kind: 'inline', mesh: { trustDomain: '', types: {} } } };
  },
  async run(cfg, io) {
    const src = cfg.options.source;
    const { mesh, text } =
      src.kind === 'file' ? loadMeshFile(src.file) : { mesh: src.mesh, text: renderMeshYaml(src.mesh) };
    const protection: Protection = cfg.insecurePlaintextKeys
      ? { kind: 'plaintext' }
      : { kind: 'encrypted', passphrase: cfg.passphrase as string, kdf: cfg.kdf };
    const result = await initState({
      dir: cfg.dir,
      mesh,
      meshText: text,
      now: cfg.now,
      protection,
      progress: (line) => io.err(line),
    });
    if (cfg.json) {
      io.out(
        JSON.stringify(
          {
            dir: cfg.dir,
            trustDomain: mesh.trustDomain,
            keyProtection: protection.kind,
            cas: result.cas.map(caJson),
            admin: {
              spiffeId: result.admin.spiffeId,
              serialHex: result.admin.serialHex,
              notAfter: result.admin.notAfter.toISOString(),
            },
          },
          null,
          2,
        ),
      );
    } else {
      io.out(`initialized ${cfg.dir} (trust domain ${mesh.trustDomain}, keys ${protection.kind})`);
      printCaTable(io, result.cas);
      io.out(`admin identity: ${result.admin.spiffeId} (until ${result.admin.notAfter.toISOString()})`);
      io.out('root keys are in offline/: move them off this machine; only `trustmesh ca` commands need them');
    }
    return 0;
  },
});

function checkPassphrase(p: string | undefined): string | undefined {
  if (p === undefined)
    return 'a passphrase is required (or TRUSTMESH_PASSPHRASE; --insecure-plaintext-keys for development)';
  if (p.normalize('NFC').length < MIN_PASSPHRASE_CHARS)
    return `the passphrase must have at least ${MIN_PASSPHRASE_CHARS} characters`;
  return undefined;
}

function inlineMesh(td: string, types: string, issues: ConfigIssue[]): MeshConfig {
  const names = types.split(',').map((t) => t.trim());
  if (names.some((n) => n === '')) {
    issues.push({ where: '--types', message: 'empty type name in the list' });
    return { trustDomain: td, types: {} };
  }
  try {
    return meshConfigFromTypes(td, names);
  } catch (err) {
    const e = err as { message: string; issues?: { path: string; message: string }[] };
    for (const i of e.issues ?? [{ path: '', message: e.message }]) {
      issues.push({
        where: i.path.startsWith('trustDomain') ? '--trust-domain' : '--types',
        message: `${i.path ? i.path + ': ' : ''}${i.message}`,
      });
    }
    return { trustDomain: td, types: {} };
  }
}
