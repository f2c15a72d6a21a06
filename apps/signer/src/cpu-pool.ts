import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LeafIssuer } from '@trustmesh/pki';
import type { MeshConfig } from '@trustmesh/policy';
import {
  deserializeError,
  prepareSign,
  type IssuerMaterial,
  type Prepared,
  type PrepareRequest,
  type SerializedError,
} from './sign-prepare';

/** Messages to a CPU worker. */
export type ToWorker = { t: 'issuers'; issuers: IssuerMaterial[] } | { t: 'prepare'; id: number; req: PrepareRequest };
type FromWorker = { ready: true } | { id: number; ok: Prepared } | { id: number; err: SerializedError };

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (p: Prepared) => void; reject: (e: Error) => void }>;
}

/** How long a worker may take to load (TypeScript transpilation included) before it is given up. */
const START_TIMEOUT_MS = 20_000;

// Under the TypeScript runner (no build step) a worker must register the transpiler first.
const ENTRY = join(__dirname, `cpu-worker${__filename.endsWith('.ts') ? '.ts' : '.js'}`);
const REGISTER = join(__dirname, '..', '..', '..', 'tools', 'scripts', 'register-ts.js');
const BOOTSTRAP = `const { workerData } = require('node:worker_threads');
if (workerData.register) require(workerData.register).registerTs();
require(workerData.entry);`;

/**
 * Runs the CPU-bound part of Sign (CSR parse + signature check, policy, leaf signature) on
 * `size` worker threads, so the main thread keeps the gRPC transport and the store. With
 * size 0 (or when no worker could start, or every worker died) the same {@link prepareSign}
 * runs in-process and without speculative issuance. Requests go to the least busy worker.
 */
export class CpuPool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private issuers = new Map<string, LeafIssuer>();
  private material: IssuerMaterial[] = [];

  private constructor(
    private readonly mesh: MeshConfig,
    private readonly log: (line: string) => void,
  ) {}

  /** Starts `size` workers and waits until each has loaded (a worker that fails to load is logged and skipped). */
  static async start(size: number, mesh: MeshConfig, log: (line: string) => void): Promise<CpuPool> {
    const pool = new CpuPool(mesh, log);
    const started = await Promise.all(Array.from({ length: size }, () => pool.spawn()));
    for (const s of started) if (s) pool.slots.push(s);
    if (size > 0) log(`cpu workers: ${pool.slots.length} of ${size} started`);
    return pool;
  }

  /** Number of live worker threads (0: in-process). */
  get size(): number {
    return this.slots.length;
  }

  /** The issuers (by CA id) for in-process use and their key material for the workers. */
  setIssuers(issuers: ReadonlyMap<string, LeafIssuer>, material: IssuerMaterial[]): void {
    this.issuers = new Map(issuers);
    this.material = material;
    for (const s of this.slots) s.worker.postMessage({ t: 'issuers', issuers: material } satisfies ToWorker);
  }

  /**
   * {@link prepareSign} on a worker (with speculative issuance from `speculativeCaId`) or, with
   * no worker, in-process (without it). Rejects with the same typed errors prepareSign throws.
   */
  prepare(req: PrepareRequest): Promise<Prepared> {
    const slot = this.pick();
    if (!slot) {
      try {
        const { speculativeCaId: _ignored, ...rest } = req;
        return Promise.resolve(prepareSign(this.mesh, this.issuers, rest));
      } catch (err) {
        return Promise.reject(err);
      }
    }
    const id = this.nextId++;
    return new Promise<Prepared>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      // Posting a Buffer view copies its whole ArrayBuffer (often a large pooled one): move an
      // exact-size copy instead.
      const csr = new Uint8Array(req.csr);
      slot.worker.postMessage({ t: 'prepare', id, req: { ...req, csr } } satisfies ToWorker, [csr.buffer]);
    });
  }

  /** Stops every worker; calls still pending reject. */
  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private pick(): Slot | undefined {
    let best: Slot | undefined;
    for (const s of this.slots) if (!best || s.pending.size < best.pending.size) best = s;
    return best;
  }

  private spawn(): Promise<Slot | undefined> {
    return new Promise((resolve) => {
      const worker = new Worker(BOOTSTRAP, {
        eval: true,
        workerData: { mesh: this.mesh, entry: ENTRY, register: ENTRY.endsWith('.ts') ? REGISTER : undefined },
      });
      const slot: Slot = { worker, pending: new Map() };
      const timer = setTimeout(() => {
        this.log('cpu worker did not start in time; signing in-process');
        void worker.terminate();
        resolve(undefined);
      }, START_TIMEOUT_MS);
      worker.on('message', (m: FromWorker) => {
        if ('ready' in m) {
          clearTimeout(timer);
          worker.postMessage({ t: 'issuers', issuers: this.material } satisfies ToWorker);
          return resolve(slot);
        }
        const p = slot.pending.get(m.id);
        if (!p) return;
        slot.pending.delete(m.id);
        if ('ok' in m) p.resolve(m.ok);
        else p.reject(deserializeError(m.err));
      });
      worker.on('error', (err) => this.log(`cpu worker failed: ${err.message}`));
      worker.on('exit', () => {
        clearTimeout(timer);
        resolve(undefined);
        const i = this.slots.indexOf(slot);
        if (i >= 0) this.slots.splice(i, 1);
        // Calls in flight on a dead worker fail (INTERNAL); later calls go elsewhere or in-process.
        for (const p of slot.pending.values()) p.reject(new Error('cpu worker exited'));
        slot.pending.clear();
      });
    });
  }
}
