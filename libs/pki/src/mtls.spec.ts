/**
 * Real mutual TLS with Node `tls` on 127.0.0.1: each side trusts only the root of the peer's
 * service type. A leaf from another root with the same names must be refused.
 */
import { once } from 'node:events';
import * as tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { buildCsr, exportPrivateKey, generateKeyPair, parseCsr, pemEncode } from './index';
import { makeCaSet, type CaSet } from './testing/fixtures';

// The handshake runs at the machine's real time, so the CA sets and leaves are made around it.
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);

function identity(ca: CaSet, type: string, dns: string): { key: string; cert: string } {
  const k = generateKeyPair();
  const csr = parseCsr(
    buildCsr({ privateKey: k.privateKey, sans: { dns: [dns], uris: [`spiffe://example.test/${type}/i-1`] } }),
  );
  const leaf = ca.issuer.issue({ publicKey: csr.publicKey, sans: csr.sans, now: NOW, ttlSeconds: 3600 });
  return { key: exportPrivateKey(k.privateKey) as string, cert: pemEncode('CERTIFICATE', leaf.der) + ca.pem.inter };
}

interface Outcome {
  ok: boolean;
  reply?: string;
  peerUri?: string;
  serverSaw?: string;
}

async function handshake(
  server: { id: { key: string; cert: string }; trust: string },
  client: { id: { key: string; cert: string }; trust: string },
): Promise<Outcome> {
  const srv = tls.createServer(
    { ...server.id, ca: [server.trust], requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.3' },
    (s) => {
      s.on('error', () => undefined);
      s.on('data', () => s.end(`pong:${(s.getPeerCertificate() as tls.PeerCertificate).subjectaltname}`));
    },
  );
  let serverSaw: string | undefined;
  srv.on('tlsClientError', (err: NodeJS.ErrnoException) => (serverSaw = err.code ?? err.message));
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as AddressInfo;
  try {
    return await new Promise<Outcome>((resolve) => {
      const timer = setTimeout(() => resolve({ ok: false, reply: 'timeout' }), 5000);
      const done = (o: Outcome) => {
        clearTimeout(timer);
        resolve({ ...o, serverSaw });
      };
      const sock = tls.connect({
        host: '127.0.0.1',
        port,
        servername: 'db.internal',
        ...client.id,
        ca: [client.trust],
        minVersion: 'TLSv1.3',
      });
      let reply = '';
      sock.on('secureConnect', () => sock.write('ping'));
      sock.on('data', (d) => (reply += d.toString()));
      sock.on('error', (err) => done({ ok: false, reply: (err as NodeJS.ErrnoException).code ?? err.message }));
      sock.on('end', () =>
        done({
          ok: reply.startsWith('pong:'),
          reply,
          peerUri: (sock.getPeerCertificate() as tls.PeerCertificate).subjectaltname,
        }),
      );
      sock.on('close', () => done({ ok: reply.startsWith('pong:'), reply }));
    });
  } finally {
    srv.close();
  }
}

describe('mutual TLS with issued leaves', () => {
  const api = makeCaSet('api', 'ec-p256', 'ec-p256', NOW);
  const db = makeCaSet('db', 'ec-p256', 'ec-p256', NOW);
  const evilApi = makeCaSet('api', 'ec-p256', 'ec-p256', NOW); // same names as the api CA set, different keys
  const evilDb = makeCaSet('db', 'ec-p256', 'ec-p256', NOW);
  const apiId = identity(api, 'api', 'api.internal');
  const dbId = identity(db, 'db', 'db.internal');

  it("ok/api client and db server, each trusting only the other type's root", async () => {
    const r = await handshake({ id: dbId, trust: api.pem.root }, { id: apiId, trust: db.pem.root });
    expect(r.reply).toBe('pong:URI:spiffe://example.test/api/i-1, DNS:api.internal');
    expect(r.ok).toBe(true);
  });

  it('fail/client leaf from another root with the same names is refused by the server', async () => {
    const evil = identity(evilApi, 'api', 'api.internal');
    const r = await handshake({ id: dbId, trust: api.pem.root }, { id: evil, trust: db.pem.root });
    expect(r.ok).toBe(false);
    expect(r.reply).not.toMatch(/^pong/);
  });

  it('fail/server leaf from another root with the same names is refused by the client', async () => {
    const evil = identity(evilDb, 'db', 'db.internal');
    const r = await handshake({ id: evil, trust: api.pem.root }, { id: apiId, trust: db.pem.root });
    expect(r.ok).toBe(false);
    expect(r.reply).toMatch(/UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_VERIFY_LEAF_SIGNATURE|ECONNRESET/);
  });

  it("fail/a server that trusts its own type's root refuses the api client", async () => {
    const r = await handshake({ id: dbId, trust: db.pem.root }, { id: apiId, trust: db.pem.root });
    expect(r.ok).toBe(false);
  });
});
