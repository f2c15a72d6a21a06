/** `trustmesh ca create <type>`: the CA set of a type added to the mesh config after init. */
import type { Store } from '@trustmesh/store';
import { defineCommand } from '../command';
import { CliError } from '../cli-error';
import { COMMON_OPTIONS } from '../config';
import { caJson, printCaTable, warnTo } from '../output';
import {
  auditCli,
  checkNewMesh,
  createCaSet,
  LAYOUT,
  loadMeshFile,
  provenProtection,
  removeFiles,
  replaceMesh,
  requireType,
  withState,
  type NewCaSet,
} from '@trustmesh/ca';

export const caCreateCommand = defineCommand<{ type: string; config?: string }>({
  path: ['ca', 'create'],
  summary: `create the CA set (root + intermediate) of a service type added to D/${LAYOUT.mesh}`,
  help: [
    `The type must be in D/${LAYOUT.mesh} and have no CA set yet (CA_EXISTS). The passphrase must unlock`,
    'the existing keys first (KEY_PASSPHRASE_WRONG otherwise), so every key shares one passphrase.',
    'Holds D/.lock while it writes; on failure the new key files are removed and nothing is recorded.',
    'With --config FILE, the new mesh config (same trust domain, every type that has a CA set still',
    `present) replaces D/${LAYOUT.mesh} in the same step; on failure the old ${LAYOUT.mesh} is restored.`,
  ].join('\n'),
  args: {
    positionals: [{ name: 'type', describe: 'service type' }],
    options: {
      dir: COMMON_OPTIONS.dir,
      config: {
        type: 'string',
        valueName: 'FILE',
        describe: `new mesh config that adds the type; replaces D/${LAYOUT.mesh}`,
      },
      'passphrase-file': COMMON_OPTIONS['passphrase-file'],
      json: COMMON_OPTIONS.json,
    },
  },
  configure: (args) => ({
    type: args.positionals[0],
    ...(typeof args.values.config === 'string' ? { config: args.values.config } : {}),
  }),
  async run(cfg, io) {
    const type = cfg.options.type;
    return withState(cfg.dir, { lock: true }, async ({ dir, store, mesh: current }) => {
      let set: NewCaSet | undefined;
      let restoreMesh: (() => void) | undefined;
      try {
        const next = cfg.options.config === undefined ? undefined : loadMeshFile(cfg.options.config);
        const mesh = next ? await checkNewMesh(store, current, next.mesh) : current;
        requireType(mesh, type, false);
        if ((await store.listCas({ serviceType: type })).length > 0) throw new CliError('CA_EXISTS', type);
        const protection = await provenProtection({
          dir,
          store,
          passphrase: cfg.passphrase,
          kdf: cfg.kdf,
          warn: warnTo(io),
        });
        if (next) restoreMesh = replaceMesh(dir, next);
        set = await createCaSet({ dir, type, trustDomain: mesh.trustDomain, now: cfg.now, protection });
        const made = set;
        await store.transaction(async (s) => {
          await s.putCa(made.root);
          await s.putCa(made.intermediate);
          await auditCli(s, cfg.now, 'ca.create', 'ok', {
            serviceType: type,
            rootId: made.root.id,
            intermediateId: made.intermediate.id,
          });
        });
      } catch (err) {
        // Keys of a CA set that was never recorded are garbage: remove them, then audit the failure.
        if (set) removeFiles(set.files);
        restoreMesh?.();
        await auditFailure(store, cfg.now, type, err);
        throw err;
      }
      if (cfg.json) io.out(JSON.stringify([caJson(set.root), caJson(set.intermediate)], null, 2));
      else printCaTable(io, [set.root, set.intermediate]);
      return 0;
    });
  },
});

async function auditFailure(store: Store, now: Date, type: string, err: unknown): Promise<void> {
  const code = (err as { code?: unknown }).code;
  try {
    await auditCli(
      store,
      now,
      'ca.create',
      'error',
      { serviceType: type },
      typeof code === 'string' ? code : 'INTERNAL',
    );
  } catch {
    // The original error matters more than a failed audit append (e.g. the DB itself failed).
  }
}
