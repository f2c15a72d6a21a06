/**
 * Median wall time of `count` fsyncs of a freshly written 4 KiB block in `dir` (µs): the disk
 * condition a durable store sees during a run (other jobs' I/O on a shared machine moves it by
 * 5x). Bounded: `count` syncs, and the probe file is removed.
 */
import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export function fsyncMedianMicros(dir: string, count = 30): number {
  const file = join(dir, 'fsync-probe.bin');
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(4096, 1);
  const times: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      writeSync(fd, block);
      const t0 = performance.now();
      fsyncSync(fd);
      times.push((performance.now() - t0) * 1000);
    }
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}
