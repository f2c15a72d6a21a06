/** `trustmesh audit verify`: checks the audit hash chain and names the first bad record. */
import { defineCommand } from '../command';
import { CliError } from '../cli-error';
import { COMMON_OPTIONS } from '../config';
import { withState } from '@trustmesh/ca';

export const auditVerifyCommand = defineCommand<Record<string, never>>({
  path: ['audit', 'verify'],
  summary: 'verify the audit log hash chain; names the first record edited, deleted, reordered or inserted',
  help: 'Exit 0 when the chain is intact; exit 1 with AUDIT_TAMPERED and the record number otherwise.',
  args: { positionals: [], options: { dir: COMMON_OPTIONS.dir, json: COMMON_OPTIONS.json } },
  configure: () => ({}),
  run: (cfg, io) =>
    withState(cfg.dir, { lock: false }, async ({ store }) => {
      const r = await store.verifyAudit();
      if (cfg.json) io.out(JSON.stringify(r, null, 2));
      if (!r.ok)
        throw new CliError('AUDIT_TAMPERED', `record #${r.firstBadSeq} was ${r.problem} (${r.count} records checked)`);
      if (!cfg.json) io.out(`audit log intact: ${r.count} records`);
      return 0;
    }),
});
