/** `trustmesh token create`: a single-use, type-bound, expiring bootstrap token. */
import { instanceIdProblem, parseDurationSeconds, typeNameProblem, type NameProblem } from '@trustmesh/names';
import { defineCommand } from '../command';
import { COMMON_OPTIONS, type ConfigIssue } from '../config';
import { auditCli, newToken, requireType, withState } from '@trustmesh/ca';

/** Token lifetime bounds: long enough to deploy, short enough that a leaked token soon dies. */
const MIN_TTL_S = 60;
const MAX_TTL_S = 7 * 86_400;

interface TokenCreateOptions {
  type: string;
  ttlSeconds: number;
  instanceId: string | null;
}

export const tokenCreateCommand = defineCommand<TokenCreateOptions>({
  path: ['token', 'create'],
  summary: 'create a bootstrap token for a service type; the secret is printed once on stdout',
  help: [
    'The token is single use, bound to --type (and to --instance when given) and expires after --ttl',
    '(default 1h, 1m..7d). Only its SHA-256 is stored. Without --json, stdout holds just the secret',
    '(e.g. TOKEN=$(trustmesh token create --type api)); the details go to stderr.',
  ].join('\n'),
  args: {
    positionals: [],
    options: {
      dir: COMMON_OPTIONS.dir,
      type: { type: 'string', valueName: 'T', describe: 'service type the token is for (required)' },
      ttl: { type: 'string', valueName: 'DURATION', describe: 'lifetime, e.g. 15m, 1h, 2d (default 1h)' },
      instance: { type: 'string', valueName: 'ID', describe: 'bind the token to one instance id' },
      json: COMMON_OPTIONS.json,
    },
  },
  configure(args, issues) {
    const v = args.values;
    const type = typeof v.type === 'string' ? v.type : '';
    if (type === '') issues.push({ where: '--type', message: 'required' });
    else nameIssue('--type', typeNameProblem(type), issues);
    const instanceId = typeof v.instance === 'string' ? v.instance : null;
    if (instanceId !== null) nameIssue('--instance', instanceIdProblem(instanceId), issues);
    return { type, ttlSeconds: ttl(typeof v.ttl === 'string' ? v.ttl : '1h', issues), instanceId };
  },
  run: (cfg, io) =>
    withState(cfg.dir, { lock: false }, async ({ store, mesh }) => {
      const o = cfg.options;
      const t = newToken({ serviceType: o.type, instanceId: o.instanceId, ttlSeconds: o.ttlSeconds, now: cfg.now });
      try {
        requireType(mesh, o.type, false);
        await store.transaction(async (s) => {
          await s.putToken(t.record);
          await auditCli(s, cfg.now, 'token.create', 'ok', {
            tokenId: t.record.id,
            serviceType: o.type,
            instanceId: o.instanceId,
            expiresAt: t.record.expiresAt.toISOString(),
          });
        });
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        await auditCli(
          store,
          cfg.now,
          'token.create',
          'error',
          { serviceType: o.type, instanceId: o.instanceId },
          typeof code === 'string' ? code : 'INTERNAL',
        ).catch(() => undefined);
        throw err;
      }
      const exp = t.record.expiresAt.toISOString();
      if (cfg.json) {
        io.out(
          JSON.stringify(
            { id: t.record.id, secret: t.secret, serviceType: o.type, instanceId: o.instanceId, expiresAt: exp },
            null,
            2,
          ),
        );
      } else {
        io.err(
          `token ${t.record.id} for type ${o.type}${o.instanceId ? ` instance ${o.instanceId}` : ''}, single use, expires ${exp}; the secret below is shown only once`,
        );
        io.out(t.secret);
      }
      return 0;
    }),
});

function ttl(text: string, issues: ConfigIssue[]): number {
  try {
    const s = parseDurationSeconds(text);
    if (s >= MIN_TTL_S && s <= MAX_TTL_S) return s;
  } catch {
    // reported below with the allowed range
  }
  issues.push({ where: '--ttl', message: `'${text}' is not a duration between 1m and 7d (e.g. 30m, 1h, 2d)` });
  return 0;
}

/** Records a grammar problem of libs/names (its code and rule) under the flag. */
function nameIssue(where: string, problem: NameProblem | null, issues: ConfigIssue[]): void {
  if (problem) issues.push({ where, message: `${problem.code}: ${problem.message}` });
}
