/**
 * Obtains and renews the sidecar's workload certificate from the signer and publishes each new
 * identity into the data plane's {@link IdentityStore} (an atomic swap; the store keeps the
 * previous identities, newest first, for the outbound fallback).
 *
 * - First certificate: bootstrap token read from `tokenFile` (re-read on every attempt, so an
 *   operator can replace a bad token without a restart). Renewal: mTLS with the current identity
 *   while it is valid; once nothing valid is held, the token path again (a fresh token recovers).
 * - Keys come from the {@link KeySource}: by default a fresh in-memory P-256 key per issuance, so
 *   every renewal also rotates the key; with a key file, one persisted key.
 * - The CSR carries no SAN until the trust domain is known; after the first issuance it carries
 *   the SPIFFE ID learned from the issued leaf (`spiffe://<td>/<type>/<instance>`).
 * - Renewal at ~2/3 of the lifetime ±10%; a bundle's renew-before hint pulls it earlier (a random
 *   moment before the hint), once per identity held when the hint appeared.
 * - Failure: exponential backoff with jitter (capped), forever; the last good identity keeps
 *   serving while it is valid. A response that fails validation is discarded (fail closed).
 */
import { buildCsr, spiffeId } from '@trustmesh/pki';
import type { SignResponse } from '@trustmesh/proto';
import { createIdentity, type Identity } from '../identity/identity';
import type { IdentityStore } from '../identity/identity-source';
import type { Logger } from '../observe/logger';
import { systemClock, type Clock, type TimerHandle, type UniformRandom } from './clock';
import { ControlError, describeError } from './errors';
import { memoryKeySource, type KeyPair, type KeySource } from './key-source';
import { backoffDelayMs, DEFAULT_BACKOFF, renewalTime, type BackoffPolicy } from '@trustmesh/policy';
import type { SignerClient } from './signer-client';
import { readTokenFile } from './token-file';

/** Options of {@link IdentityManager}. */
export interface IdentityManagerOptions {
  client: SignerClient;
  store: IdentityStore;
  serviceType: string;
  instanceId: string;
  tokenFile: string;
  /** Default: a fresh in-memory P-256 key per issuance. */
  keys?: KeySource;
  clock?: Clock;
  random?: UniformRandom;
  backoff?: BackoffPolicy;
  logger?: Logger;
}

const MAX_CA_IDS = 16;

/** Drives issuance and renewal; see the module comment for the rules. */
export class IdentityManager {
  private readonly clock: Clock;
  private readonly random: UniformRandom;
  private readonly keys: KeySource;
  private readonly backoff: BackoffPolicy;
  private timer: TimerHandle | undefined;
  private next: Date | undefined;
  private inflight: Promise<Identity> | undefined;
  private failures = 0;
  private error: ControlError | undefined;
  private trustDomain: string | undefined;
  private renewBefore: Date | undefined;
  private hintForSerial: string | undefined;
  private running = false;
  /** Issuing CA id (hex SKI, from the SignResponse) per serial held; bounded like the store. */
  private readonly caIds = new Map<string, string>();

  constructor(private readonly o: IdentityManagerOptions) {
    this.clock = o.clock ?? systemClock;
    this.random = o.random ?? Math.random;
    this.keys = o.keys ?? memoryKeySource();
    this.backoff = o.backoff ?? DEFAULT_BACKOFF;
  }

  /** Starts the loop: the first attempt runs at once. Idempotent. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.scheduleIn(0);
  }

  /** Stops scheduling; an attempt in flight finishes but schedules nothing. */
  stop(): void {
    this.running = false;
    this.timer?.cancel();
    this.timer = undefined;
    this.next = undefined;
  }

  /**
   * One attempt now (joins one already in flight), then the next one is scheduled as usual.
   * @throws ControlError of the failed attempt.
   */
  renewNow(): Promise<Identity> {
    this.timer?.cancel();
    this.timer = undefined;
    this.inflight ??= this.attempt().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** When the next attempt (renewal or retry) is planned; `undefined` when stopped. */
  nextAttempt(): Date | undefined {
    return this.next;
  }

  /** The error of the last attempt, cleared by a success. */
  lastError(): ControlError | undefined {
    return this.error;
  }

  /** The issuing CA id the signer named for `serialHex` ('' when unknown). */
  caIdOf(serialHex: string): string {
    return this.caIds.get(serialHex) ?? '';
  }

  /** Consecutive failed attempts. */
  get failureCount(): number {
    return this.failures;
  }

  /** Readiness: an identity valid at the clock's `now` is held. */
  ready(): boolean {
    return this.o.store.usable(this.clock.now()).length > 0;
  }

  /**
   * The bundle's renew-before hint (`undefined` = none). A new hint applies to the identity held
   * now: it is renewed once, at a random moment before the hint. Identities issued after the
   * hint appeared are not affected.
   */
  setRenewBefore(hint: Date | undefined): void {
    if (hint?.getTime() === this.renewBefore?.getTime()) return;
    this.renewBefore = hint;
    this.hintForSerial = hint ? this.o.store.current()?.serialHex : undefined;
    const current = this.o.store.current();
    // Only re-plan a scheduled renewal; a backoff retry or an attempt in flight stays as it is.
    if (this.running && current && this.failures === 0 && !this.inflight && hint) this.planRenewal(current);
  }

  private scheduleIn(ms: number): void {
    if (!this.running) return;
    this.timer?.cancel();
    this.next = new Date(this.clock.now().getTime() + Math.max(0, ms));
    this.timer = this.clock.setTimer(() => {
      this.timer = undefined;
      this.renewNow().catch(() => undefined); // logged and recorded in attempt()
    }, ms);
  }

  private planRenewal(identity: Identity): void {
    const now = this.clock.now();
    const hinted = this.renewBefore && this.hintForSerial === identity.serialHex ? this.renewBefore : undefined;
    const at = renewalTime({
      notBefore: identity.notBefore,
      notAfter: identity.notAfter,
      now,
      u: this.random(),
      uHint: this.random(),
      ...(hinted ? { renewBefore: hinted } : {}),
    });
    this.scheduleIn(at.getTime() - now.getTime());
  }

  private async attempt(): Promise<Identity> {
    const now = this.clock.now();
    const current = this.o.store.current();
    const renewal =
      current !== undefined && current.notBefore <= now && now < current.notAfter && this.o.client.hasIdentity;
    const via = renewal ? 'mtls' : 'token';
    try {
      const token = renewal ? undefined : await readTokenFile(this.o.tokenFile);
      const keys = await this.keys.next();
      const res = await this.o.client.sign({
        csr: this.csr(keys),
        serviceType: this.o.serviceType,
        instanceId: this.o.instanceId,
        ...(token ? { bootstrapToken: token } : {}),
      });
      const identity = this.accept(res, keys);
      this.caIds.set(identity.serialHex, res.caId);
      if (this.caIds.size > MAX_CA_IDS) this.caIds.delete(this.caIds.keys().next().value as string);
      // The mTLS channel first: store listeners (status reports) use it at once.
      this.o.client.setIdentity(identity);
      this.o.store.set(identity);
      this.trustDomain = identity.spiffe.trustDomain;
      this.failures = 0;
      this.error = undefined;
      this.planRenewal(identity);
      this.o.logger?.log('info', 'identity_issued', {
        via,
        spiffe_id: identity.spiffeId,
        serial: identity.serialHex,
        not_after: identity.notAfter.toISOString(),
        next_renewal: this.next?.toISOString(),
      });
      return identity;
    } catch (err) {
      const e =
        err instanceof ControlError
          ? err
          : new ControlError('RESPONSE_INVALID', describeError(err).detail, { cause: err });
      this.error = e;
      this.failures++;
      const delay = backoffDelayMs(this.failures - 1, this.random(), this.backoff, e.retryAfterMs);
      this.scheduleIn(delay);
      this.o.logger?.log(e.transient ? 'warn' : 'error', 'identity_failed', {
        via,
        code: e.code,
        reason: e.reason,
        detail: e.detail,
        attempt: this.failures,
        retry_in_ms: delay,
        serving: this.ready(),
      });
      throw e;
    }
  }

  private csr(keys: KeyPair): Buffer {
    const sans = this.trustDomain ? { uris: [spiffeId(this.trustDomain, this.o.serviceType, this.o.instanceId)] } : {};
    return buildCsr({ privateKey: keys.privateKey, publicKey: keys.publicKey, sans });
  }

  /** Validates the signer's answer against what we asked for; anything off is RESPONSE_INVALID. */
  private accept(res: SignResponse, keys: KeyPair): Identity {
    let identity: Identity;
    try {
      identity = createIdentity(keys.privateKey, res.chain);
    } catch (cause) {
      throw new ControlError('RESPONSE_INVALID', describeError(cause).detail, { cause });
    }
    const s = identity.spiffe;
    if (s.serviceType !== this.o.serviceType || s.instanceId !== this.o.instanceId) {
      throw new ControlError(
        'RESPONSE_INVALID',
        `issued for ${identity.spiffeId}, asked for ${this.o.serviceType}/${this.o.instanceId}`,
      );
    }
    if (this.trustDomain !== undefined && s.trustDomain !== this.trustDomain) {
      throw new ControlError('RESPONSE_INVALID', `trust domain changed from ${this.trustDomain} to ${s.trustDomain}`);
    }
    if (identity.notAfter.getTime() <= this.clock.now().getTime())
      throw new ControlError('RESPONSE_INVALID', 'issued certificate already expired');
    return identity;
  }
}
