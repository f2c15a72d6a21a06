/**
 * Joins two sockets into one proxied connection: bytes both ways with backpressure, half-close
 * propagated, idle timeout, and an error on either side tears down both.
 */
import type { Socket } from 'node:net';

/** Byte counts of a finished splice. */
export interface SpliceResult {
  /**
   * Bytes read from `a` and written to `b`, counted over the socket's whole life: bytes that
   * arrived before the splice started (while the other side was being connected) are forwarded
   * too — buffered in a paused socket, or already sent by the outbound dialer.
   */
  readonly aToB: number;
  readonly bToA: number;
  /** `idle` when the idle timeout fired, `error` when a socket failed, else `closed`. */
  readonly end: 'closed' | 'idle' | 'error';
}

/**
 * Pipes `a` ⇄ `b`. Both sockets must be created with `allowHalfOpen: true` so that an `end` from
 * one side is forwarded as an `end` (FIN / close_notify) to the other while the reverse direction
 * keeps flowing. `pipe()` pauses the reader when the writer's buffer is above its high-water mark,
 * so at most about one high-water mark per direction sits in user space (no unbounded buffering).
 * `onDone` runs once, after both sockets have closed.
 */
export function splice(a: Socket, b: Socket, idleTimeoutMs: number, onDone: (r: SpliceResult) => void): void {
  let end: SpliceResult['end'] = 'closed';
  let closed = 0;
  const teardown = (why: SpliceResult['end']) => {
    if (end === 'closed') end = why;
    a.destroy();
    b.destroy();
  };
  const onClose = (hadError: boolean) => {
    closed += 1;
    if (closed === 2) onDone({ aToB: a.bytesRead, bToA: b.bytesRead, end });
    // A clean close means both directions of that socket ended, so the other side has already
    // been sent its end and closes by itself once its buffer is flushed — destroying it here
    // would drop those bytes. Only a failed socket takes its partner down.
    else if (hadError) teardown('error');
  };
  for (const s of [a, b]) {
    s.on('error', () => teardown('error'));
    s.once('close', onClose);
    // setTimeout counts reads and writes on this socket: if either side sees neither for the
    // whole period, the connection as a whole is idle.
    s.setTimeout(idleTimeoutMs, () => teardown('idle'));
  }
  a.pipe(b);
  b.pipe(a);
  a.resume();
  b.resume();
}
