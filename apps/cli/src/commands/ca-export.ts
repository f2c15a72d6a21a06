/** `trustmesh ca export <type> [--root | --chain]`: CA certificates as PEM on stdout. */
import { pemEncode } from '@trustmesh/pki';
import { defineCommand } from '../command';
import { COMMON_OPTIONS } from '../config';
import { activeCaSet, requireType, withState } from '@trustmesh/ca';

type What = 'intermediate' | 'root' | 'chain';

export const caExportCommand = defineCommand<{ type: string; what: What }>({
  path: ['ca', 'export'],
  summary: "print a type's active issuing intermediate (default), its root (--root) or both (--chain) as PEM",
  help: '--chain prints the intermediate first, then the root. `platform` is accepted as a type.',
  args: {
    positionals: [{ name: 'type', describe: 'service type, or platform' }],
    options: {
      dir: COMMON_OPTIONS.dir,
      root: { type: 'boolean', describe: 'the root certificate (the trust anchor)' },
      chain: { type: 'boolean', describe: 'intermediate then root' },
    },
  },
  configure(args, issues) {
    if (args.values.root === true && args.values.chain === true)
      issues.push({ where: '--root', message: 'cannot be combined with --chain' });
    const what: What = args.values.root === true ? 'root' : args.values.chain === true ? 'chain' : 'intermediate';
    return { type: args.positionals[0], what };
  },
  run: (cfg, io) =>
    withState(cfg.dir, { lock: false }, async ({ store, mesh }) => {
      requireType(mesh, cfg.options.type, true);
      const { root, intermediate } = await activeCaSet(store, cfg.options.type);
      const certs =
        cfg.options.what === 'root' ? [root] : cfg.options.what === 'chain' ? [intermediate, root] : [intermediate];
      io.out(
        certs
          .map((c) => pemEncode('CERTIFICATE', c.certificateDer))
          .join('')
          .trimEnd(),
      );
      return 0;
    }),
});
