/**
 * Reads `sidecar.yaml` from disk and checks the optional key file's permissions. The rim around
 * the pure {@link parseConfig}.
 */
import { readFile, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { SidecarError } from '../errors';
import { parseConfig } from './parse-config';
import type { SidecarConfig } from './types';

/**
 * Loads and validates a config file.
 * @throws SidecarError `CONFIG_UNREADABLE` when the file cannot be read; ConfigError
 *   `CONFIG_INVALID` with every issue; `KEY_FILE_INSECURE` when `keyFile` exists with group or
 *   other permission bits (a missing key file is fine: it is created 0600 on first start).
 */
export async function loadConfig(path: string): Promise<SidecarConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new SidecarError('CONFIG_UNREADABLE', path, { cause });
  }
  const config = parseConfig(text, { hostname: hostname() });
  if (config.keyFile !== undefined) await checkKeyFileMode(config.keyFile);
  return config;
}

/** Throws `KEY_FILE_INSECURE` when the file exists and is accessible to group or others. */
export async function checkKeyFileMode(path: string): Promise<void> {
  const st = await stat(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw new SidecarError('CONFIG_UNREADABLE', path, { cause: e });
  });
  if (st && (st.mode & 0o077) !== 0) {
    throw new SidecarError('KEY_FILE_INSECURE', `${path} has mode ${(st.mode & 0o777).toString(8)}`);
  }
}
