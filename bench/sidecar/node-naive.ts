/**
 * The reference Node pair of docs/BENCHMARKS.md "The anchors" ("node-naive"): the most obvious Node sidecar,
 * `net` + `tls` + `pipe()`, one SecureContext built once, nothing else — no logging, metrics,
 * limits, fallback or hot reload. It separates what Node and OpenSSL cost from what TrustMesh
 * adds. Same checks as the others: B requires a client certificate chaining to the api root and
 * a SPIFFE ID of type api (read from `getPeerX509Certificate()`); A trusts the db root only and
 * checks `db.internal`. Run as a child:
 *   run-ts.js node-naive.ts a <listen> <connect> <certChain> <key> <caFile> <resume 0|1>
 *   run-ts.js node-naive.ts b <listen> <forward> <certChain> <key> <caFile>
 * Resumption is the client's choice: with `resume 0`, A never offers a session.
 */
import { readFileSync } from 'node:fs';
import { connect, createServer as createTcpServer } from 'node:net';
import {
  connect as tlsConnect,
  createSecureContext,
  createServer as createTlsServer,
  type ConnectionOptions,
} from 'node:tls';

const [mode, listenPort, targetPort, certFile, keyFile, caFile, flag] = process.argv.slice(2);
if ((mode !== 'a' && mode !== 'b') || !caFile || (mode === 'a' && !flag)) {
  process.stderr.write('usage: node-naive.ts a|b <listen> <target> <cert> <key> <ca> [resume 0|1 for a]\n');
  process.exit(2);
}
const context = {
  cert: readFileSync(certFile!, 'utf8'),
  key: readFileSync(keyFile!, 'utf8'),
  ca: readFileSync(caFile!, 'utf8'),
  minVersion: 'TLSv1.3' as const,
};
const API_PREFIX = 'URI:spiffe://bench.test/api/';

if (mode === 'b') {
  const server = createTlsServer(
    { ...context, requestCert: true, rejectUnauthorized: true, allowHalfOpen: true },
    (tls) => {
      const san = tls.getPeerX509Certificate()?.subjectAltName ?? '';
      if (!san.split(', ').some((n) => n.startsWith(API_PREFIX))) return void tls.destroy();
      tls.setNoDelay(true);
      const local = connect({ host: '127.0.0.1', port: Number(targetPort), noDelay: true, allowHalfOpen: true });
      tls.on('error', () => local.destroy());
      local.on('error', () => tls.destroy());
      tls.pipe(local).pipe(tls);
    },
  );
  server.listen(Number(listenPort), '127.0.0.1');
} else {
  const secureContext = createSecureContext(context);
  let session: Buffer | undefined;
  createTcpServer({ allowHalfOpen: true }, (local) => {
    local.setNoDelay(true);
    // allowHalfOpen is honoured by tls.connect but missing from the typings.
    const options: ConnectionOptions & { allowHalfOpen: boolean } = {
      host: '127.0.0.1',
      port: Number(targetPort),
      servername: 'db.internal',
      secureContext,
      session: flag === '1' ? session : undefined,
      allowHalfOpen: true,
    };
    const tls = tlsConnect(options);
    tls.setNoDelay(true);
    if (flag === '1')
      tls.on('session', (s: Buffer) => {
        session = s;
      });
    tls.on('error', () => local.destroy());
    local.on('error', () => tls.destroy());
    local.pipe(tls).pipe(local);
  }).listen(Number(listenPort), '127.0.0.1');
}
process.on('SIGTERM', () => process.exit(0));
