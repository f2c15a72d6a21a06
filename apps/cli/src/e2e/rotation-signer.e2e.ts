/**
 * Rotation against a real signer (child process of the bin, polling the store every second):
 * after `ca rotate api --root` prepare + activate, a bundle requested over mTLS with an api
 * certificate carries api's renew-before hint and one with a db certificate (or none) carries 0;
 * an api renewal is issued from the new CA (openssl verifies it against the new root only);
 * after `ca renew db --keep-key` the bundle carries the new db root certificate and an old db
 * leaf verifies against it.
 */
import { credentials, Metadata, type ChannelCredentials, type ClientReadableStream } from '@grpc/grpc-js';
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCsr, exportPrivateKey, generateKeyPair, pemEncode, spiffeId } from '@trustmesh/pki';
import { AnchorState, CertificateAuthorityClient, type SignResponse, type TrustBundle } from '@trustmesh/proto';
import { LAYOUT } from '@trustmesh/ca';
import { cli, cliAsync, finished, opensslVerify, tempDir } from './harness';
import { initMesh, only, pemOf, typeState } from './rotation-fixture';

jest.setTimeout(120_000);

interface Identity {
  key: KeyObject;
  chain: Buffer[];
}

let tmp: { dir: string; cleanup: () => void };
let state: string;
let port: string;
let signer: ReturnType<typeof cliAsync>;
let exited: ReturnType<typeof finished>;
let rootPem: Buffer;

beforeAll(async () => {
  tmp = tempDir('tm-rot-signer-');
  state = join(tmp.dir, 'state');
  initMesh(tmp.dir, state);
  rootPem = readFileSync(join(state, LAYOUT.platformRoot));
  signer = cliAsync(['signer', '--dir', state, '--listen', '127.0.0.1:0']);
  exited = finished(signer);
  port = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`signer did not listen: ${buf}`)), 60_000);
    signer.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /signer listening on 127\.0\.0\.1:(\d+)/.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    });
  });
});

afterAll(async () => {
  signer.kill('SIGTERM');
  await exited.catch(() => undefined);
  tmp.cleanup();
});

function creds(id?: Identity): ChannelCredentials {
  if (!id) return credentials.createSsl(rootPem);
  return credentials.createSsl(
    rootPem,
    Buffer.from(exportPrivateKey(id.key, 'pem') as string),
    Buffer.from(id.chain.map((d) => pemEncode('CERTIFICATE', d)).join('')),
  );
}

/** Sign with a token (first issuance) or over mTLS with `current` (renewal). */
async function obtain(type: string, instance: string, current?: Identity): Promise<Identity> {
  let token = '';
  if (!current) {
    const t = cli(['token', 'create', '--type', type, '--instance', instance, '--json', '--dir', state]);
    token = (JSON.parse(t.stdout) as { secret: string }).secret;
  }
  const kp = generateKeyPair('ec-p256');
  const client = new CertificateAuthorityClient(`127.0.0.1:${port}`, creds(current));
  try {
    const res = await new Promise<SignResponse>((resolve, reject) =>
      client.sign(
        {
          csr: buildCsr({
            privateKey: kp.privateKey,
            publicKey: kp.publicKey,
            sans: { uris: [spiffeId('example.test', type, instance)] },
          }),
          serviceType: type,
          instanceId: instance,
          bootstrapToken: token,
        },
        new Metadata(),
        { deadline: Date.now() + 20_000 },
        (err, r) => (err ? reject(err) : resolve(r as SignResponse)),
      ),
    );
    return { key: kp.privateKey, chain: res.chain };
  } finally {
    client.close();
  }
}

/** The first bundle with version ≥ `version` on a watch stream opened with `id` (bounded: 15 s). */
async function bundleAt(version: number, id?: Identity): Promise<TrustBundle> {
  const client = new CertificateAuthorityClient(`127.0.0.1:${port}`, creds(id));
  const stream: ClientReadableStream<TrustBundle> = client.watchTrustBundle({ serviceTypes: ['api', 'db'] });
  try {
    return await new Promise<TrustBundle>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no bundle v${version} within 15 s`)), 15_000);
      stream.on('error', (e: Error) => {
        clearTimeout(timer);
        reject(e);
      });
      stream.on('data', (b: TrustBundle) => {
        if (Number(b.version) >= version) {
          clearTimeout(timer);
          resolve(b);
        }
      });
    });
  } finally {
    stream.cancel();
    client.close();
  }
}

/** One GetTrustBundle call, presenting `id` when given. */
async function getBundle(id?: Identity): Promise<TrustBundle> {
  const client = new CertificateAuthorityClient(`127.0.0.1:${port}`, creds(id));
  try {
    return await new Promise<TrustBundle>((resolve, reject) =>
      client.getTrustBundle(
        { serviceTypes: ['api', 'db'] },
        new Metadata(),
        { deadline: Date.now() + 15_000 },
        (err, r) => (err ? reject(err) : resolve(r as TrustBundle)),
      ),
    );
  } finally {
    client.close();
  }
}

function leafPem(id: Identity): string {
  return pemEncode('CERTIFICATE', id.chain[0] as Buffer);
}

describe('rotation with a real signer', () => {
  it('ok/activate of api: api certificate gets the hint, db certificate and no certificate get 0; renewal comes from the new CA', async () => {
    const api = await obtain('api', 'api-1');
    const db = await obtain('db', 'db-1');
    expect(cli(['ca', 'rotate', 'api', '--root', '--phase', 'prepare', '--dir', state]).code).toBe(0);
    const act = cli(['ca', 'rotate', 'api', '--root', '--phase', 'activate', '--window', '10m', '--dir', state]);
    expect(act.stderr).not.toContain('ROTATION');
    expect(act.code).toBe(0);
    const s = await typeState(state, 'api');
    const hint = Number(s.hint);
    const version = Number(s.version);

    const forApi = await bundleAt(version, api);
    expect(Number(forApi.renewBeforeUnix)).toBe(hint);
    expect(
      forApi.types
        .find((t) => t.serviceType === 'api')
        ?.anchors.map((a) => a.state)
        .sort(),
    ).toEqual([AnchorState.ACTIVE, AnchorState.RETIRING].sort());
    expect(Number((await bundleAt(version, db)).renewBeforeUnix)).toBe(0);
    expect(Number((await bundleAt(version)).renewBeforeUnix)).toBe(0);
    // GetTrustBundle follows the same rule as the watch stream.
    expect(Number((await getBundle(api)).renewBeforeUnix)).toBe(hint);
    expect(Number((await getBundle(db)).renewBeforeUnix)).toBe(0);
    expect(Number((await getBundle()).renewBeforeUnix)).toBe(0);

    // Renewal with the old-CA certificate is issued by the new intermediate: it verifies against the new root only.
    const renewed = await obtain('api', 'api-1', api);
    const newRoot = only(s.cas, 'root', 'active');
    const oldRoot = only(s.cas, 'root', 'retiring');
    const inter = pemEncode('CERTIFICATE', renewed.chain[1] as Buffer);
    expect(opensslVerify(tmp.dir, pemOf(newRoot), leafPem(renewed), inter).ok).toBe(true);
    expect(opensslVerify(tmp.dir, pemOf(oldRoot), leafPem(renewed), inter).ok).toBe(false);
  });

  it('ok/ca renew db --keep-key: the bundle carries the new root certificate and an old db leaf verifies against it', async () => {
    const db = await obtain('db', 'db-2');
    const before = only((await typeState(state, 'db')).cas, 'root', 'active');
    expect(cli(['ca', 'renew', 'db', '--keep-key', '--dir', state]).code).toBe(0);
    const s = await typeState(state, 'db');
    const b = await bundleAt(Number(s.version));
    const anchors = b.types.find((t) => t.serviceType === 'db')?.anchors ?? [];
    expect(anchors.map((a) => a.caId)).toEqual([`${before.id}-r2`]);
    const anchorPem = pemEncode('CERTIFICATE', Buffer.from(anchors[0]!.certificate));
    expect(anchorPem).not.toBe(pemOf(before));
    const v = opensslVerify(tmp.dir, anchorPem, leafPem(db), pemEncode('CERTIFICATE', db.chain[1] as Buffer));
    expect(v.out).toContain('OK');
    // The signer still renews a db certificate issued before the renewal (same key, same name).
    expect((await obtain('db', 'db-2', db)).chain.length).toBe(2);
  });
});
