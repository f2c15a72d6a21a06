/** `trustmesh token revoke ID`: a revoked token can never be redeemed. */
import { defineCommand } from '../command';
import { COMMON_OPTIONS } from '../config';
import { auditCli, withState } from '@trustmesh/ca';

export const tokenRevokeCommand = defineCommand<{ id: string }>({
  path: ['token', 'revoke'],
  summary: 'revoke a bootstrap token by id',
  args: {
    positionals: [{ name: 'id', describe: 'token id (from `token list`)' }],
    options: { dir: COMMON_OPTIONS.dir },
  },
  configure(args, issues) {
    const id = args.positionals[0];
    if (!/^[0-9a-f]{16}$/.test(id)) issues.push({ where: '<id>', message: 'a token id is 16 hex characters' });
    return { id };
  },
  run: (cfg, io) =>
    withState(cfg.dir, { lock: false }, async ({ store }) => {
      try {
        await store.transaction(async (s) => {
          await s.revokeToken(cfg.options.id, cfg.now);
          await auditCli(s, cfg.now, 'token.revoke', 'ok', { tokenId: cfg.options.id });
        });
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        await auditCli(
          store,
          cfg.now,
          'token.revoke',
          'error',
          { tokenId: cfg.options.id },
          typeof code === 'string' ? code : 'INTERNAL',
        ).catch(() => undefined);
        throw err;
      }
      io.err(`token ${cfg.options.id} revoked`);
      return 0;
    }),
});
