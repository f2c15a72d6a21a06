/** Every `trustmesh` subcommand, in help order. */
import type { Command } from '../command';
import { auditVerifyCommand } from './audit-verify';
import { caCreateCommand } from './ca-create';
import { caExportCommand } from './ca-export';
import { caListCommand } from './ca-list';
import { caRenewCommand } from './ca-renew';
import { caRotateCommand } from './ca-rotate';
import { certInspectCommand } from './cert-inspect';
import { initCommand } from './init';
import { statusCommand } from './status';
import { tokenCreateCommand } from './token-create';
import { tokenListCommand } from './token-list';
import { tokenRevokeCommand } from './token-revoke';

export const COMMANDS: readonly Command<never>[] = [
  initCommand,
  caListCommand,
  caCreateCommand,
  caExportCommand,
  caRotateCommand,
  caRenewCommand,
  statusCommand,
  tokenCreateCommand,
  tokenListCommand,
  tokenRevokeCommand,
  certInspectCommand,
  auditVerifyCommand,
] as unknown as readonly Command<never>[];
