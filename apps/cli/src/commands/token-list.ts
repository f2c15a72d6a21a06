/** `trustmesh token list`: id, type, instance, expiry and state of every token — never a secret. */
import { defineCommand } from '../command';
import { COMMON_OPTIONS } from '../config';
import { printTable, tokenJson, tokenState } from '../output';
import { withState } from '@trustmesh/ca';

export const tokenListCommand = defineCommand<Record<string, never>>({
  path: ['token', 'list'],
  summary: 'list bootstrap tokens: id, type, instance, expiry, state (active/used/expired/revoked)',
  args: { positionals: [], options: { dir: COMMON_OPTIONS.dir, json: COMMON_OPTIONS.json } },
  configure: () => ({}),
  run: (cfg, io) =>
    withState(cfg.dir, { lock: false }, async ({ store }) => {
      const tokens = [...(await store.listTokens())].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
      if (cfg.json) {
        io.out(
          JSON.stringify(
            tokens.map((t) => tokenJson(t, cfg.now)),
            null,
            2,
          ),
        );
      } else {
        printTable(
          io,
          ['ID', 'TYPE', 'INSTANCE', 'EXPIRES', 'STATE'],
          tokens.map((t) => [
            t.id,
            t.serviceType,
            t.instanceId ?? '*',
            t.expiresAt.toISOString(),
            tokenState(t, cfg.now),
          ]),
        );
      }
      return 0;
    }),
});
