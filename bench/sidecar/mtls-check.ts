/**
 * Before a pair is measured: does B enforce mTLS? Straight to B's TLS port, a client with no
 * certificate and one with a certificate from a CA outside the mesh (same names) must be
 * refused; the api certificate from the mesh must get its echo. Then one echo through A.
 * Throws (and the run stops) on any other outcome.
 */
import { createSecureContext, connect as tlsConnect, type SecureContext } from 'node:tls';
import type { BenchCerts, LeafFiles } from './certs';
import { open, roundTrip } from './workloads';

type Outcome = 'echoed' | 'refused' | 'silent';

function tryEcho(port: number, context: SecureContext): Promise<Outcome> {
  return new Promise((resolve) => {
    // The check is about B's side: the client does not judge B's certificate here.
    const s = tlsConnect({
      host: '127.0.0.1',
      port,
      secureContext: context,
      rejectUnauthorized: false,
      servername: 'db.internal',
    });
    let done = false;
    const finish = (o: Outcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => finish('silent'), 3000);
    s.once('secureConnect', () => s.write(Buffer.alloc(64, 2)));
    s.on('data', () => finish('echoed'));
    s.once('error', () => finish('refused'));
    s.once('close', () => finish('refused'));
  });
}

function contextOf(leaf?: LeafFiles): SecureContext {
  return createSecureContext(
    leaf ? { cert: leaf.chainPem, key: leaf.keyPem, minVersion: 'TLSv1.3' } : { minVersion: 'TLSv1.3' },
  );
}

/** Human-readable summary on success; throws naming the first case that went wrong. */
export async function checkMtls(name: string, tlsPort: number, entryPort: number, certs: BenchCerts): Promise<string> {
  const cases: [string, SecureContext, Outcome][] = [
    ['no client certificate', contextOf(), 'refused'],
    ['certificate from a CA outside the mesh', contextOf(certs.rogue), 'refused'],
    ['api certificate from the mesh', contextOf(certs.api), 'echoed'],
  ];
  for (const [what, ctx, want] of cases) {
    const got = await tryEcho(tlsPort, ctx);
    if (got !== want) throw new Error(`${name}: ${what}: expected ${want}, got ${got}`);
  }
  const s = await open(entryPort);
  try {
    await roundTrip(s);
  } finally {
    s.destroy();
  }
  return `${name}: no cert refused, foreign CA refused, mesh api cert echoed, chain echoed`;
}
