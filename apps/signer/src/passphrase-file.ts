/** `--passphrase-file F`: the key passphrase is the file's first line. */
import { readFileSync, statSync } from 'node:fs';
import type { ArgsIssue } from './config';

const MAX_PASSPHRASE_FILE_BYTES = 4096;

/**
 * The first line of `file` (without its line break), or the problem with `--passphrase-file`
 * when the file cannot be read or is larger than 4 KiB (a start refuses it as ARGS_INVALID).
 */
export function readPassphraseFile(file: string): { passphrase: string } | { issue: ArgsIssue } {
  try {
    if (statSync(file).size > MAX_PASSPHRASE_FILE_BYTES)
      return { issue: { flag: '--passphrase-file', message: `${file}: larger than 4 KiB` } };
    return { passphrase: readFileSync(file, 'utf8').split(/\r?\n/)[0] ?? '' };
  } catch (err) {
    return { issue: { flag: '--passphrase-file', message: `${file}: ${(err as Error).message}` } };
  }
}
