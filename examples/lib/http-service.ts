/**
 * The shared shape of the demo's example services (web, api, db): a small node:http server on
 * 127.0.0.1 that speaks plaintext only. mTLS, identity and the trust matrix are the sidecar's
 * job; a service reaches a peer type through its sidecar's local outbound listener (`--peer
 * type=host:port`), exactly as an application in the mesh would.
 *
 * Keep-alive is on (the chain carries real HTTP/1.1 connection reuse), but every server ends a
 * connection after {@link MAX_REQUESTS_PER_SOCKET} requests, so new TLS connections are made all
 * the time and certificate renewals are exercised under traffic, not only at start.
 */
import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isArgsError, parseArgv, type ArgsSpec } from '@trustmesh/args';
import { hostPortProblem, parseHostPort, typeNameProblem } from '@trustmesh/names';

/** A local address (`host:port`). */
export interface Address {
  readonly host: string;
  readonly port: number;
}

/** Options every example service takes on its command line. */
export interface ServiceArgs {
  readonly port: number;
  readonly host: string;
  readonly instance: string;
  /** Peer type → this instance's sidecar outbound listener for that type. */
  readonly peers: Readonly<Record<string, Address>>;
}

/** A connection is closed (with `Connection: close`) after this many requests. */
export const MAX_REQUESTS_PER_SOCKET = 50;
/** Server keep-alive: longer than the client's idle socket timeout, so the client closes first. */
const SERVER_KEEPALIVE_MS = 10_000;
/** Client idle socket timeout and per-call timeout. */
const CLIENT_IDLE_MS = 4_000;
const CALL_TIMEOUT_MS = 5_000;

/** Bad command-line input; `code` is stable, the message names the argument. */
export class ServiceArgsError extends Error {
  readonly code = 'ARGS_INVALID';
  constructor(detail: string) {
    super(`invalid arguments: ${detail}`);
  }
}

/** The flags every example service takes (parsed by @trustmesh/args). */
const SERVICE_ARGS: ArgsSpec = {
  positionals: [],
  options: {
    port: { type: 'string', valueName: 'N', describe: 'listen port (0: any free port)' },
    host: { type: 'string', valueName: 'H', describe: 'listen host (default 127.0.0.1)' },
    instance: { type: 'string', valueName: 'ID', describe: 'instance id (default <type>-1)' },
    peer: {
      type: 'string',
      multiple: true,
      valueName: 'TYPE=HOST:PORT',
      describe: "the sidecar's outbound listener for a peer type",
    },
  },
};

/**
 * Parses `--port N [--host H] [--instance ID] [--peer type=host:port]...` (`--flag=value` works
 * too). Defaults: host 127.0.0.1, instance `<type>-1`. A peer is a service type name and a
 * host:port by the grammar of libs/names.
 * @throws ServiceArgsError for an unknown flag, a missing value, a bad port or peer address
 */
export function parseServiceArgs(type: string, argv: readonly string[]): ServiceArgs {
  let v: Readonly<Record<string, unknown>>;
  try {
    v = parseArgv(SERVICE_ARGS, argv).values;
  } catch (err) {
    if (isArgsError(err)) throw new ServiceArgsError(err.message);
    throw err;
  }
  const peers: Record<string, Address> = {};
  for (const value of (v.peer as readonly string[] | undefined) ?? []) {
    const eq = value.indexOf('=');
    const [peerType, address] = [value.slice(0, eq), value.slice(eq + 1)];
    if (eq < 0 || typeNameProblem(peerType) || hostPortProblem(address))
      throw new ServiceArgsError('--peer must be type=host:port');
    peers[peerType] = parseHostPort(address);
  }
  const port = typeof v.port === 'string' && /^[0-9]{1,5}$/.test(v.port) ? Number(v.port) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new ServiceArgsError('--port must be 0-65535');
  return {
    port,
    host: typeof v.host === 'string' ? v.host : '127.0.0.1',
    instance: typeof v.instance === 'string' ? v.instance : `${type}-1`,
    peers,
  };
}

/** Outcome of a peer call: the parsed JSON body and status, or the failure's message. */
export type PeerResult = { ok: true; status: number; body: unknown } | { ok: false; error: string };

/** Calls peers over keep-alive connections through the sidecar's outbound listeners. */
export class PeerClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 32, timeout: CLIENT_IDLE_MS });

  constructor(private readonly peers: Readonly<Record<string, Address>>) {}

  /** `GET path` on the peer type's outbound listener. Never rejects: failures are a result. */
  get(type: string, path: string): Promise<PeerResult> {
    const peer = this.peers[type];
    if (!peer) return Promise.resolve({ ok: false, error: `no route to ${type}` });
    return new Promise((resolve) => {
      const req = request(
        { host: peer.host, port: peer.port, path, agent: this.agent, timeout: CALL_TIMEOUT_MS },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('error', (err) => resolve({ ok: false, error: err.message }));
          res.on('end', () => {
            try {
              resolve({ ok: true, status: res.statusCode ?? 0, body: JSON.parse(text) });
            } catch {
              resolve({ ok: false, error: 'peer answered no JSON' });
            }
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('peer call timed out')));
      req.on('error', (err) => resolve({ ok: false, error: err.message }));
      req.end();
    });
  }

  /** Closes every pooled connection. */
  close(): void {
    this.agent.destroy();
  }
}

/** A request handler; `send` writes a JSON answer. */
export type Handler = (path: string, send: (status: number, body: unknown) => void, req: IncomingMessage) => void;

/** Creates the HTTP server (not listening) around `handler`; only GET is served. */
export function createJsonServer(handler: Handler): Server {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET') return send(405, { error: 'METHOD_NOT_ALLOWED' });
    handler((req.url ?? '/').split('?')[0], send, req);
  });
  server.keepAliveTimeout = SERVER_KEEPALIVE_MS;
  server.maxRequestsPerSocket = MAX_REQUESTS_PER_SOCKET;
  return server;
}

/**
 * Process entry shared by the examples: parses argv, listens, prints
 * `<type> <instance> listening on host:port`, and on SIGINT/SIGTERM closes the server and the
 * peer client and exits 0. Bad arguments print one line to stderr and exit 2.
 */
export function runService(
  type: string,
  argv: readonly string[],
  build: (args: ServiceArgs, peers: PeerClient) => Handler,
): void {
  let args: ServiceArgs;
  try {
    args = parseServiceArgs(type, argv);
  } catch (err) {
    process.stderr.write(`${type}: ${(err as ServiceArgsError).code ?? 'ERROR'}: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const peers = new PeerClient(args.peers);
  const server = createJsonServer(build(args, peers));
  server.listen(args.port, args.host, () => {
    const addr = server.address() as { port: number };
    process.stdout.write(`${type} ${args.instance} listening on ${args.host}:${addr.port}\n`);
  });
  const stop = (): void => {
    peers.close();
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
