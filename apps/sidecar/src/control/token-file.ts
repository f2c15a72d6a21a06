/** The file `signer.tokenFile`: the one-time bootstrap token of the first issuance. */
import { readFile } from 'node:fs/promises';
import { ControlError } from './errors';

const MAX_TOKEN_BYTES = 4096;

/**
 * The token: the file's first line, trimmed.
 * @throws ControlError `TOKEN_UNREADABLE` when the file cannot be read, the token is empty or the
 *   file is larger than 4 KiB
 */
export async function readTokenFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ControlError('TOKEN_UNREADABLE', `${path}: ${(e as NodeJS.ErrnoException).code ?? 'read failed'}`, {
      cause: e,
    });
  }
  const token = text.split(/\r?\n/)[0]?.trim() ?? '';
  if (token === '' || text.length > MAX_TOKEN_BYTES)
    throw new ControlError('TOKEN_UNREADABLE', `${path}: empty or larger than 4 KiB`);
  return token;
}
