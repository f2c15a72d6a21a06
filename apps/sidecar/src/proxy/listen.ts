/**
 * Binds a route's server to its configured address (bind failures become a typed error) and
 * hands it out as a {@link RunningListener}.
 */
import type { AddressInfo, Server } from 'node:net';
import { formatHostPort, type HostPort } from '../config/types';
import { SidecarError } from '../errors';
import type { Logger } from '../observe/logger';

/** A running listener. */
export interface RunningListener {
  readonly name: string;
  /** The bound address (the real port when the config said 0). */
  readonly address: { host: string; port: number };
  /** Stops accepting; open connections are left to the tracker's drain. */
  close(): Promise<void>;
}

/**
 * Listens on the route's address; `close()` of the result runs `onClose` (e.g. unsubscribing from
 * TLS material rebuilds) and stops accepting.
 * @throws SidecarError `LISTEN_FAILED`.
 */
export async function listenRoute(
  server: Server,
  route: { name: string; listen: HostPort },
  logger: Logger,
  onClose: () => void,
): Promise<RunningListener> {
  const address = await listen(server, route.listen, logger, route.name);
  return {
    name: route.name,
    address,
    close: () =>
      new Promise<void>((resolve) => {
        onClose();
        server.close(() => resolve());
      }),
  };
}

/**
 * Listens on `at` and resolves with the bound address (the real port when `at.port` is 0).
 * @throws SidecarError `LISTEN_FAILED` (detail: address and errno code, e.g. EADDRINUSE).
 */
export function listen(
  server: Server,
  at: HostPort,
  logger: Logger,
  name: string,
): Promise<{ host: string; port: number }> {
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
