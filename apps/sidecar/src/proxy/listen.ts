/**
 * Binds a server to a configured address and turns bind failures into a typed error.
 */
import type { AddressInfo, Server } from 'node:net';
import { formatHostPort, type HostPort } from '../config/types';
import { SidecarError } from '../errors';
import type { Logger } from '../observe/logger';

/**
 * Listens on `at` and resolves with the bound address (the real port when `at.port` is 0).
 * @throws SidecarError `LISTEN_FAILED` (detail: address and errno code, e.g. EADDRINUSE).
 */
export function listen(server: Server, at: HostPort, logger: Logger, name: string): Promise<{ host: string; port: number }> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      logger.log('error', 'listen_failed', { route: name, listen: formatHostPort(at), error: err.code ?? err.message });
      reject(new SidecarError('LISTEN_FAILED', `${formatHostPort(at)}: ${err.code ?? err.message}`, { cause: err }));
    };
    server.once('error', onError);
    server.listen(at.port, at.host, () => {
      server.off('error', onError);
      const a = server.address() as AddressInfo;
      logger.log('info', 'listening', { route: name, listen: formatHostPort({ host: a.address, port: a.port }) });
      resolve({ host: a.address, port: a.port });
    });
  });
}
