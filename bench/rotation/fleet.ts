/**
 * The simulated fleet: N sidecar identities of one type, in process. Each holds its own key and
 * certificate and makes its renewals and status reports over its own mTLS channel (opened for the
 * call, closed after it, so 1,000 identities never hold 1,000 idle channels). The bundle watch is
 * grouped: a few watch streams (each over the mTLS channel of one member, so the signer sends the
 * type's renew-before hint) fan each bundle out to their group — the one shortcut against real
 * sidecars, which each watch on their own stream; the hint and the version are the same for all.
 */
import type { ChannelCredentials } from '@grpc/grpc-js';
import { X509Certificate, type KeyObject } from 'node:crypto';
import { buildCsr, generateKeyPair, spiffeId } from '@trustmesh/pki';
import type { CertificateAuthorityClient, TrustBundle } from '@trustmesh/proto';
import { caClient, Counters, mtlsCredentials, report, sign, withRetry } from './calls';
import { renewalTime } from '@trustmesh/policy';
import { TRUST_DOMAIN, TYPE, type RotationSigner } from './signer';

/** How many identities obtain or report at once during setup (not measured). */
const SETUP_CONCURRENCY = 32;
/** Renewal points later than this are the ordinary 2/3-lifetime ones: outside the benchmark. */
const MAX_PLAN_MS = 10 * 60_000;

/**
 * One simulated sidecar identity. `key`, `chain` and `caId` are the certificate held now; serial
 * and validity are those of the first certificate (the one the hint applies to: the benchmark
 * renews each identity once).
 */
export interface SimIdentity {
  instanceId: string;
  key: KeyObject;
  chain: Buffer[];
  caId: string;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  /** mTLS credentials of the first certificate (built when it arrived, as a sidecar does). */
  creds: ChannelCredentials;
  /** Key and CSR of the next renewal, made before the measured phase (not signer load). */
  next: { key: KeyObject; csr: Buffer };
  /** The hint in force and the serial it applies to (the sidecar renews once per identity held). */
  hint?: { at: Date; serial: string };
  timer?: NodeJS.Timeout;
  renewedAtMs?: number;
  renewedCaId?: string;
}

/** Renewal outcomes of the measured phase. */
export interface RenewalLog {
  counters: Counters;
  /** Completion time (epoch ms) of every renewal, in completion order. */
  doneAtMs: number[];
  /** Start time (epoch ms) of every renewal that completed, same order (first attempt, retries included). */
  startAtMs: number[];
  /** Renewals issued by a CA other than the expected new intermediate. */
  wrongCa: number;
  /** Identities whose renewal gave up at the deadline. */
  gaveUp: number;
}

function nextKey(instanceId: string): { key: KeyObject; csr: Buffer } {
  const kp = generateKeyPair();
  return {
    key: kp.privateKey,
    csr: buildCsr({
      privateKey: kp.privateKey,
      publicKey: kp.publicKey,
      sans: { uris: [spiffeId(TRUST_DOMAIN, TYPE, instanceId)] },
    }),
  };
}

/** The fields of an issued certificate the sidecar keeps (serial as the store records it: lower-case hex). */
function adopt(
  chain: Buffer[],
  caId: string,
): Pick<SimIdentity, 'chain' | 'caId' | 'serialHex' | 'notBefore' | 'notAfter'> {
  const leaf = new X509Certificate(chain[0] as Buffer);
  return {
    chain,
    caId,
    serialHex: leaf.serialNumber.toLowerCase(),
    notBefore: new Date(leaf.validFrom),
    notAfter: new Date(leaf.validTo),
  };
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function forEachLimit<T>(
  items: T[],
  limit: number,
  fn: (item: T, i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i] as T, i);
      }
    }),
  );
}

/** First issuance of `n` identities with bootstrap tokens (over one TLS channel: no client cert). */
export async function obtainFleet(
  signer: RotationSigner,
  n: number,
  counters: Counters,
  deadline: number,
): Promise<SimIdentity[]> {
  const client = caClient(signer.target, signer.rootPem);
  const fleet: SimIdentity[] = new Array<SimIdentity>(n);
  try {
    await forEachLimit(
      Array.from({ length: n }, (_, i) => i),
      SETUP_CONCURRENCY,
      async (i) => {
        const instanceId = `db-${i}`;
        const first = nextKey(instanceId);
        const res = await withRetry(
          () =>
            sign(client, { csr: first.csr, serviceType: TYPE, instanceId, bootstrapToken: signer.tokens[i] as string }),
          counters,
          deadline,
        );
        const cert = adopt(res.chain, res.caId);
        fleet[i] = {
          instanceId,
          key: first.key,
          ...cert,
          creds: mtlsCredentials(signer.rootPem, { key: first.key, chain: cert.chain }),
          next: nextKey(instanceId),
        };
      },
    );
  } finally {
    client.close();
  }
  return fleet;
}

/** Every identity reports `bundleVersion` (ReportStatus over its own mTLS channel). */
export async function reportFleet(
  signer: RotationSigner,
  fleet: SimIdentity[],
  bundleVersion: number,
  counters: Counters,
  deadline: number,
): Promise<void> {
  await forEachLimit(fleet, SETUP_CONCURRENCY, async (id) => {
    const client = caClient(signer.target, signer.rootPem, id.creds);
    try {
      await withRetry(
        () =>
          report(client, {
            instanceId: id.instanceId,
            serviceType: TYPE,
            serialHex: id.serialHex,
            caId: id.caId,
            notAfterUnix: Math.floor(id.notAfter.getTime() / 1000),
            bundleVersion,
            fallbacks: [],
            previousIdentities: [],
          }),
        counters,
        deadline,
      );
    } finally {
      client.close();
    }
  });
}

/** Bundle watch streams, one per group of the fleet. */
export class FleetWatch {
  private readonly clients: CertificateAuthorityClient[] = [];
  private readonly versions: number[];
  private readonly waiters: (() => void)[] = [];
  private error: Error | undefined;

  constructor(
    signer: RotationSigner,
    private readonly fleet: SimIdentity[],
    groupCount: number,
    private readonly onHint: (members: SimIdentity[], hint: Date) => void,
  ) {
    // Every group needs a member: its certificate is what makes the signer send the type's hint.
    const groups = Math.max(1, Math.min(groupCount, fleet.length));
    this.versions = new Array<number>(groups).fill(0);
    for (let g = 0; g < groups; g++) {
      const members = fleet.filter((_, i) => i % groups === g);
      const client = caClient(signer.target, signer.rootPem, members[0]?.creds);
      this.clients.push(client);
      const stream = client.watchTrustBundle({ serviceTypes: [TYPE] });
      stream.on('data', (b: TrustBundle) => {
        this.versions[g] = Math.max(this.versions[g] as number, Number(b.version));
        if (Number(b.renewBeforeUnix) > 0) this.onHint(members, new Date(Number(b.renewBeforeUnix) * 1000));
        this.wake();
      });
      // A cancelled stream ends with CANCELLED: only errors before close() matter.
      stream.on('error', (e: Error) => {
        if (this.clients.length) {
          this.error ??= e;
          this.wake();
        }
      });
    }
  }

  /** Resolves once every group has seen a bundle of at least `version`; rejects at `deadline` or on a stream error. */
  async until(version: number, deadline: number): Promise<void> {
    while (!this.versions.every((v) => v >= version)) {
      if (this.error) throw this.error;
      if (Date.now() > deadline)
        throw new Error(`watch streams did not reach bundle v${version} (at ${this.versions.join(',')})`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 200);
      });
    }
  }

  /** The lowest version any group has seen. */
  get version(): number {
    return Math.min(...this.versions);
  }

  close(): void {
    const cs = this.clients.splice(0);
    for (const c of cs) c.close();
    for (const id of this.fleet) clearTimeout(id.timer);
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

/**
 * The sidecar's reaction to a hint (identity-manager.ts setRenewBefore + planRenewal): a new hint
 * applies to the identity held now, which is renewed once at renewalTime(...); renewal points
 * beyond the benchmark (the ordinary 2/3 of the lifetime) are not scheduled.
 */
export function applyHint(id: SimIdentity, hint: Date, renew: (id: SimIdentity) => void): void {
  if (id.hint?.at.getTime() === hint.getTime() || id.renewedAtMs !== undefined) return;
  id.hint = { at: hint, serial: id.serialHex };
  const now = new Date();
  const at = renewalTime({
    notBefore: id.notBefore,
    notAfter: id.notAfter,
    now,
    u: Math.random(),
    uHint: Math.random(),
    renewBefore: hint,
  });
  const delay = at.getTime() - now.getTime();
  clearTimeout(id.timer);
  if (delay <= MAX_PLAN_MS) id.timer = setTimeout(() => renew(id), delay);
}

/** One identity's renewal over its own mTLS channel, with retries until `deadline`; logged in `log`. */
export async function renewOne(
  signer: RotationSigner,
  id: SimIdentity,
  expectCaId: string,
  log: RenewalLog,
  deadline: number,
): Promise<void> {
  const start = Date.now();
  const client = caClient(signer.target, signer.rootPem, id.creds);
  try {
    const res = await withRetry(
      () => sign(client, { csr: id.next.csr, serviceType: TYPE, instanceId: id.instanceId, bootstrapToken: '' }),
      log.counters,
      deadline,
    );
    const now = Date.now();
    // The issuing CA id is all the benchmark checks; the leaf is not parsed here (an X.509 parse
    // costs the load generator ~0.6 ms on OpenSSL 3.0, CPU the signer would not get).
    Object.assign(id, { key: id.next.key, chain: res.chain, caId: res.caId });
    id.renewedAtMs = now;
    id.renewedCaId = res.caId;
    if (res.caId !== expectCaId) log.wrongCa++;
    log.doneAtMs.push(now);
    log.startAtMs.push(start);
  } catch {
    log.gaveUp++;
  } finally {
    client.close();
  }
}
