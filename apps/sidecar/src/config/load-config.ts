/**
 * Reading `sidecar.yaml` from disk and checking the optional key file's permissions: the rim
 * around the pure `inspectConfig` (parse-config.ts). A start and `--check` run them through
 * `control/preflight.ts`.
 */
import { readFile, stat } from 'node:fs/promises';
import { SidecarError } from '../errors';

/** The text of the config file. @throws SidecarError `CONFIG_UNREADABLE` when it cannot be read. */
export async function readConfigText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    throw new SidecarError('CONFIG_UNREADABLE', `${path}: ${(cause as NodeJS.ErrnoException).code ?? 'read failed'}`, {
      cause,
    });
  }
}

/**
 * Throws `KEY_FILE_INSECURE` when the file exists and is accessible to group or others (a
 * missing key file is fine: it is created 0600 on first issuance); `CONFIG_UNREADABLE` when it
 * cannot be looked at.
 */
export async function checkKeyFileMode(path: string): Promise<void> {
  const st = await stat(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw new SidecarError('CONFIG_UNREADABLE', path, { cause: e });
  });
  if (st && (st.mode & 0o077) !== 0) {
    throw new SidecarError('KEY_FILE_INSECURE', `${path} has mode ${(st.mode & 0o777).toString(8)}`);
  }
}
