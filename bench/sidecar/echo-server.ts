/**
 * The service behind every chain (a child process, so its CPU is never counted as a proxy's):
 * `run-ts.js bench/sidecar/echo-server.ts <port>`. A connection whose first bytes are
 * `SINK` + an 8-byte big-endian length is a bulk sink: it reads that many bytes and answers `K`
 * (the client times the transfer until that ack). Any other connection is an echo.
 */
import { createServer, type Socket } from 'node:net';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write('usage: echo-server.ts <port>\n');
  process.exit(2);
}

const SINK = Buffer.from('SINK');
const HEADER = SINK.length + 8;

function handle(s: Socket): void {
  s.setNoDelay(true);
  s.on('error', () => s.destroy());
  let head: Buffer | null = Buffer.alloc(0);
  let remaining = -1;
  const onData = (chunk: Buffer): void => {
    if (head) {
      head = Buffer.concat([head, chunk]);
      // Echo payloads never start with 'S', so one byte decides the mode.
      if (head[0] !== SINK[0]) {
        s.off('data', onData);
        const first = head;
        head = null;
        s.write(first);
        s.pipe(s);
        return;
      }
      if (head.length < HEADER) return;
      remaining = Number(head.readBigUInt64BE(SINK.length)) - (head.length - HEADER);
      head = null;
    } else {
      remaining -= chunk.length;
    }
    if (remaining <= 0) {
      s.off('data', onData);
      s.end('K');
    }
  };
  s.on('data', onData);
}

const server = createServer({ allowHalfOpen: false }, handle);
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
