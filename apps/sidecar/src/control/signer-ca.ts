/**
 * The file `signer.caFile`: the PEM the sidecar verifies the signer's TLS certificate against.
 */
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { pemDecodeAll } from '@trustmesh/pki';
import { ControlError } from './errors';

/**
 * Checks that `pem` holds at least one certificate and that every CERTIFICATE block parses as
 * X.509 (other blocks are ignored, as TLS ignores them).
 * @throws ControlError `CA_FILE_UNREADABLE` naming what is wrong, prefixed with `where` when given
 */
export function checkSignerCaPem(pem: string | Buffer, where?: string): void {
  const prefix = where ? `${where}: ` : '';
  let blocks: { label: string; der: Buffer }[];
  try {
    blocks = pemDecodeAll(Buffer.from(pem).toString('latin1'));
  } catch (cause) {
    throw new ControlError('CA_FILE_UNREADABLE', `${prefix}no PEM certificate (${(cause as Error).message})`, {
      cause,
    });
  }
  const certs = blocks.filter((b) => b.label === 'CERTIFICATE');
  if (certs.length === 0) throw new ControlError('CA_FILE_UNREADABLE', `${prefix}no PEM certificate`);
  certs.forEach((b, i) => {
    try {
      new X509Certificate(b.der);
    } catch (cause) {
      throw new ControlError('CA_FILE_UNREADABLE', `${prefix}certificate ${i + 1} is not valid X.509`, { cause });
    }
  });
}

/**
 * Reads and checks the signer CA file ({@link checkSignerCaPem}).
 * @throws ControlError `CA_FILE_UNREADABLE` when it cannot be read or holds no usable certificate
 */
export async function readSignerCa(path: string): Promise<Buffer> {
  let pem: Buffer;
  try {
    pem = await readFile(path);
  } catch (cause) {
    throw new ControlError('CA_FILE_UNREADABLE', `${path}: ${(cause as NodeJS.ErrnoException).code ?? 'read failed'}`, {
      cause,
    });
  }
  checkSignerCaPem(pem, path);
  return pem;
}
