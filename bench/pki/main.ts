/**
 * `npm run bench:pki` — certificate issuance throughput, single thread, one run:
 * libs/pki (P-256 CA, P-256 CSRs) against @peculiar/x509 on WebCrypto (same algorithms, same
 * extensions), and libs/pki with RSA-2048 against node-forge (RSA-2048, the only key type forge
 * signs). Not a test: it prints a table. CPU µs/cert is process CPU time per certificate, the
 * figure to read on a busy machine.
 *
 * Rows: "parse+verify+issue" = strict-parse the CSR DER, verify its signature, issue a leaf from
 * it; "issue only" = issue from an already imported public key. Each row runs for a fixed time
 * (BENCH_SECONDS, default 2.5 s) after a short warm-up, cycling through a pool of 256 CSRs.
 */
import 'reflect-metadata';
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import * as x509 from '@peculiar/x509';
import forge from 'node-forge';
import * as pki from '@trustmesh/pki';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2.5);
const NOW = new Date();
const DAY = 86400;
const POOL = 256;
x509.cryptoProvider.set(webcrypto as unknown as Crypto);

interface Row { lib: string; what: string; n: number; perSec: number; cpuUs: number }

const cpuNow = (): number => { const u = process.cpuUsage(); return u.user + u.system; };

async function measure(lib: string, what: string, fn: (i: number) => unknown, seconds = SECONDS, maxOps = Infinity): Promise<Row> {
  const warmEnd = process.hrtime.bigint() + BigInt(Math.round(Math.min(0.3, seconds / 5) * 1e9));
  let i = 0;
  while (process.hrtime.bigint() < warmEnd && i < Math.max(2, maxOps / 10)) await fn(i++);
  const c0 = cpuNow();
  const t0 = process.hrtime.bigint();
  const end = t0 + BigInt(Math.round(seconds * 1e9));
  let n = 0;
  while (n < maxOps && process.hrtime.bigint() < end) await fn(n++);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const row = { lib, what, n, perSec: n / secs, cpuUs: (cpuNow() - c0) / n };
  process.stderr.write(`  ${lib} / ${what}: ${n} in ${secs.toFixed(2)} s\n`);
  return row;
}

function measureSync(lib: string, what: string, fn: (i: number) => unknown): Row {
  for (let i = 0, end = Date.now() + 300; Date.now() < end; i++) fn(i);
  const c0 = cpuNow();
  const t0 = process.hrtime.bigint();
  const end = t0 + BigInt(Math.round(SECONDS * 1e9));
  let n = 0;
  // Check the clock every 16 operations: hrtime is cheap but not free next to a 30 µs sign.
  while (process.hrtime.bigint() < end) for (let k = 0; k < 16; k++) fn(n++);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stderr.write(`  ${lib} / ${what}: ${n} in ${secs.toFixed(2)} s\n`);
  return { lib, what, n, perSec: n / secs, cpuUs: (cpuNow() - c0) / n };
}

const names = (i: number) => ({
  dns: [`api-${i}.internal`],
  uris: [`spiffe://example.test/api/i-${i}`],
});

function pkiRows(rsa: boolean): Row[] {
  const lib = rsa ? 'libs/pki (RSA-2048)' : 'libs/pki (P-256)';
  const rsaKey = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
  const caKeys = rsa ? rsaKey() : pki.generateKeyPair('ec-p256');
  const caCert = pki.createRootCertificate({
    ...caKeys, subject: { commonName: 'bench CA' }, notBefore: new Date(NOW.getTime() - DAY * 1000),
    notAfter: new Date(NOW.getTime() + 3650 * DAY * 1000), pathLen: 0,
  });
  // RSA key generation takes 50-200 ms per key: a smaller pool of RSA CSRs.
  const csrs = Array.from({ length: rsa ? 8 : POOL }, (_, i) =>
    pki.buildCsr({ privateKey: (rsa ? rsaKey() : pki.generateKeyPair()).privateKey, sans: names(i) }));
  const issuer = pki.createLeafIssuer({ caCertificate: caCert, caPrivateKey: caKeys.privateKey });
  const parsed = csrs.map((c) => pki.parseCsr(c));
  // Sanity: what we time is valid (chains to the CA, carries the CSR key).
  const check = issuer.issue({ publicKey: parsed[0].publicKey, sans: parsed[0].sans, now: NOW, ttlSeconds: DAY });
  pki.verifyChain({ chain: [check.der], anchors: [caCert], at: NOW, purpose: 'clientAuth' });
  return [
    measureSync(lib, 'parse+verify+issue', (i) => {
      const csr = pki.parseCsr(csrs[i % csrs.length]);
      return issuer.issue({ publicKey: csr.publicKey, sans: csr.sans, now: NOW, ttlSeconds: DAY });
    }),
    measureSync(lib, 'issue only', (i) => {
      const csr = parsed[i % parsed.length];
      return issuer.issue({ publicKey: csr.publicKey, sans: csr.sans, now: NOW, ttlSeconds: DAY });
    }),
  ];
}

async function peculiarRows(): Promise<Row[]> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const caKeys = (await webcrypto.subtle.generateKey(alg, false, ['sign', 'verify'])) as CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=bench CA', keys: caKeys, signingAlgorithm: alg, notBefore: new Date(NOW.getTime() - DAY * 1000),
    notAfter: new Date(NOW.getTime() + 3650 * DAY * 1000),
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey)],
  });
  const aki = await x509.AuthorityKeyIdentifierExtension.create(ca, false);
  const csrs: ArrayBuffer[] = [];
  for (let i = 0; i < POOL; i++) {
    const der = pki.buildCsr({ privateKey: pki.generateKeyPair().privateKey, sans: names(i) });
    csrs.push(new Uint8Array(der).buffer);
  }
  const issue = async (publicKey: x509.PublicKey, i: number) => {
    const n = names(i);
    return x509.X509CertificateGenerator.create({
      serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1'),
      issuer: ca.subject, subject: '', notBefore: new Date(NOW.getTime() - 60000), notAfter: new Date(NOW.getTime() + DAY * 1000),
      publicKey, signingKey: caKeys.privateKey, signingAlgorithm: alg,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
        aki,
        await x509.SubjectKeyIdentifierExtension.create(publicKey),
        new x509.SubjectAlternativeNameExtension([{ type: 'url', value: n.uris[0] }, { type: 'dns', value: n.dns[0] }], true),
      ],
    });
  };
  const parsed = csrs.map((c) => new x509.Pkcs10CertificateRequest(c));
  const check = await issue(parsed[0].publicKey, 0);
  if (!(await check.verify({ publicKey: ca.publicKey, date: NOW }))) throw new Error('peculiar sanity check failed');
  return [
    await measure('@peculiar/x509 (P-256)', 'parse+verify+issue', async (i) => {
      const csr = new x509.Pkcs10CertificateRequest(csrs[i % POOL]);
      if (!(await csr.verify())) throw new Error('CSR did not verify');
      return issue(csr.publicKey, i);
    }),
    await measure('@peculiar/x509 (P-256)', 'issue only', (i) => issue(parsed[i % POOL].publicKey, i)),
  ];
}

function forgeRows(): Row[] {
  // RSA keys come from node:crypto (forge's JS key generation takes about a second each).
  const toForge = () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }) as string);
  };
  const caKey = toForge();
  const caPub = forge.pki.setRsaPublicKey(caKey.n, caKey.e);
  const ca = forge.pki.createCertificate();
  ca.publicKey = caPub;
  ca.serialNumber = '01';
  ca.validity.notBefore = new Date(NOW.getTime() - DAY * 1000);
  ca.validity.notAfter = new Date(NOW.getTime() + 3650 * DAY * 1000);
  ca.setSubject([{ name: 'commonName', value: 'bench CA' }]);
  ca.setIssuer([{ name: 'commonName', value: 'bench CA' }]);
  ca.setExtensions([{ name: 'basicConstraints', cA: true, critical: true }, { name: 'subjectKeyIdentifier' }]);
  ca.sign(caKey, forge.md.sha256.create());
  const pool = 8;
  const csrs = Array.from({ length: pool }, (_, i) => {
    const k = toForge();
    const csr = forge.pki.createCertificationRequest();
    csr.publicKey = forge.pki.setRsaPublicKey(k.n, k.e);
    csr.setAttributes([{ name: 'extensionRequest', extensions: [{ name: 'subjectAltName', altNames: [{ type: 6, value: names(i).uris[0] }, { type: 2, value: names(i).dns[0] }] }] }]);
    csr.sign(k, forge.md.sha256.create());
    return forge.asn1.toDer(forge.pki.certificationRequestToAsn1(csr)).getBytes();
  });
  const issue = (publicKey: forge.pki.PublicKey, i: number) => {
    const c = forge.pki.createCertificate();
    c.publicKey = publicKey;
    c.serialNumber = '01' + forge.util.bytesToHex(forge.random.getBytesSync(15));
    c.validity.notBefore = new Date(NOW.getTime() - 60000);
    c.validity.notAfter = new Date(NOW.getTime() + DAY * 1000);
    c.setSubject([]);
    c.setIssuer(ca.subject.attributes);
    c.setExtensions([
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
      { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
      { name: 'subjectKeyIdentifier' },
      { name: 'subjectAltName', critical: true, altNames: [{ type: 6, value: names(i).uris[0] }, { type: 2, value: names(i).dns[0] }] },
    ]);
    c.sign(caKey, forge.md.sha256.create());
    return c;
  };
  const parsed = csrs.map((d) => forge.pki.certificationRequestFromAsn1(forge.asn1.fromDer(d)));
  if (!ca.verify(issue(parsed[0].publicKey as forge.pki.PublicKey, 0))) throw new Error('forge sanity check failed');
  // About 30 ms per certificate: bound the rows by count as well as time.
  const rows: Row[] = [];
  for (const [what, fn] of [
    ['parse+verify+issue', (i: number) => {
      const csr = forge.pki.certificationRequestFromAsn1(forge.asn1.fromDer(csrs[i % pool]));
      if (!csr.verify()) throw new Error('CSR did not verify');
      return issue(csr.publicKey as forge.pki.PublicKey, i);
    }],
    ['issue only', (i: number) => issue(parsed[i % pool].publicKey as forge.pki.PublicKey, i)],
  ] as const) {
    let n = 0;
    fn(0); // warm-up
    const c0 = cpuNow();
    const start = process.hrtime.bigint();
    while (n < 100 && process.hrtime.bigint() - start < BigInt(Math.round(SECONDS * 1e9))) fn(n++);
    const secs = Number(process.hrtime.bigint() - start) / 1e9;
    process.stderr.write(`  node-forge / ${what}: ${n} in ${secs.toFixed(2)} s\n`);
    rows.push({ lib: 'node-forge (RSA-2048)', what, n, perSec: n / secs, cpuUs: (cpuNow() - c0) / n });
  }
  return rows;
}

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1);
}

async function main(): Promise<void> {
  const cpu = cpus();
  process.stderr.write(`bench:pki — ${SECONDS} s per row, single thread\n`);
  const rows = [...pkiRows(false), ...(await peculiarRows()), ...pkiRows(true), ...forgeRows()];
  // Ratios compare like with like: P-256 rows with libs/pki P-256, RSA rows with libs/pki RSA.
  const row = (what: string, rsa = false) => rows.find((r) => r.lib === (rsa ? 'libs/pki (RSA-2048)' : 'libs/pki (P-256)') && r.what === what);
  const ours = (what: string, rsa = false) => row(what, rsa)?.perSec ?? NaN;
  const perCpuSecond = (what: string) => 1e6 / (row(what)?.cpuUs ?? NaN);
  const lines = [
    `node ${process.version} (OpenSSL ${process.versions.openssl}), ${cpu.length} x ${cpu[0]?.model ?? '?'}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    '',
    '| library (CA and CSR keys) | operation | certs/s | CPU µs/cert | certs per CPU-second | ops timed | libs/pki is × faster |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.lib} | ${r.what} | ${fmt(r.perSec)} | ${fmt(r.cpuUs)} | ${fmt(1e6 / r.cpuUs)} | ${r.n} | ${
      r.lib.startsWith('libs/pki') ? '–' : (ours(r.what, r.lib.includes('RSA')) / r.perSec).toFixed(1)} |`),
    '',
    `goal: parse+verify+issue >= 2,700/s: ${ours('parse+verify+issue') >= 2700 ? 'met' : 'MISSED'}; ` +
      `issue only >= 10,000/s: ${ours('issue only') >= 10000 ? 'met' : 'MISSED'}; ` +
      `>= 10x @peculiar/x509: ${rows.filter((r) => r.lib.startsWith('@peculiar')).every((r) => ours(r.what) / r.perSec >= 10) ? 'met' : 'MISSED'}`,
    `per CPU-second (load-independent): parse+verify+issue ${fmt(perCpuSecond('parse+verify+issue'))}, issue only ${fmt(perCpuSecond('issue only'))}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err) => {
  process.stderr.write(`bench:pki failed: ${err?.stack ?? err}\n`);
  process.exitCode = 1;
});
