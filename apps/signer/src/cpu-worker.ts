/**
 * Entry of a signer CPU worker thread (started by {@link CpuPool}): holds the mesh policy and
 * one LeafIssuer per active CA (keys posted as KeyObjects), and answers `prepare` messages with
 * {@link prepareSign}. Everything it knows arrives by message; it does no I/O.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createLeafIssuer, type LeafIssuer } from '@trustmesh/pki';
import type { MeshConfig } from '@trustmesh/policy';
import type { ToWorker } from './cpu-pool';
import { prepareSign, serializeError } from './sign-prepare';

const port = parentPort;
if (!port) throw new Error('cpu-worker must run in a worker thread');
const mesh = (workerData as { mesh: MeshConfig }).mesh;
let issuers = new Map<string, LeafIssuer>();

port.on('message', (m: ToWorker) => {
  if (m.t === 'issuers') {
    const next = new Map<string, LeafIssuer>();
    for (const material of m.issuers) {
      const issuer = createLeafIssuer(material);
      next.set(issuer.caId, issuer);
    }
    issuers = next;
    return;
  }
  try {
    const p = prepareSign(mesh, issuers, m.req);
    // The parsed KeyObject stays here: the main thread needs only the DER (rare fallback).
    delete p.publicKey;
    // Buffers are views into pooled ArrayBuffers, which postMessage would copy whole: send
    // exact-size copies and move them.
    p.spkiDer = new Uint8Array(p.spkiDer);
    const moved: ArrayBuffer[] = [p.spkiDer.buffer as ArrayBuffer];
    if (p.speculative?.leaf) {
      const der = new Uint8Array(p.speculative.leaf.der);
      moved.push(der.buffer);
      p.speculative.leaf = { ...p.speculative.leaf, der: der as Buffer };
    }
    port.postMessage({ id: m.id, ok: p }, moved);
  } catch (err) {
    port.postMessage({ id: m.id, err: serializeError(err) });
  }
});
port.postMessage({ ready: true });
