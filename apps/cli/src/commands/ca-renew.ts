/** `trustmesh ca renew <type> --keep-key`: re-issue a root certificate from the same key. */
import { defineCommand } from '../command';
import { COMMON_OPTIONS } from '../config';
import { renewRootKeepKey } from '@trustmesh/ca';
import { runRotationCommand } from '../rotation-command';

export const caRenewCommand = defineCommand<{ type: string; force: boolean }>({
  path: ['ca', 'renew'],
  summary: "re-issue a type's root certificate from the same key with a new 10-year validity (--keep-key)",
  help: [
    'For a root that is expiring but not compromised: same subject, same key, same SKI, so every',
    'intermediate and leaf under it keeps verifying against the new certificate. The certificate is',
    'stored as a new record <ski>-r<N> (the CA id is the SKI and ids are unique) with the same key',
    'file; it becomes the active root the bundle carries, the previous record is retired. Needs the',
    'root key (offline/) and its passphrase. Refused during a root rotation (ROTATION_PHASE_INVALID).',
    '--keep-key is required: a new key is a root rotation (`ca rotate <type> --root`).',
  ].join('\n'),
  args: {
    positionals: [{ name: 'type', describe: 'service type' }],
    options: {
      dir: COMMON_OPTIONS.dir,
      'keep-key': { type: 'boolean', describe: 'keep the root key (required)' },
      'passphrase-file': COMMON_OPTIONS['passphrase-file'],
      json: COMMON_OPTIONS.json,
    },
  },
  configure(args, issues) {
    if (args.values['keep-key'] !== true)
      issues.push({ where: '--keep-key', message: 'required (a new key is `ca rotate <type> --root`)' });
    return { type: args.positionals[0], force: false };
  },
  run: (cfg, io) => runRotationCommand(cfg, io, 'ca.renew', renewRootKeepKey),
});
