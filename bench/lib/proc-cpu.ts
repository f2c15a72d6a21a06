/**
 * CPU time of a process and all its descendants, from /proc (Linux only), in microseconds.
 * Used to report "server CPU per operation", which moves far less than throughput on a noisy
 * 2-core machine (docs/BENCHMARKS.md "The anchors"). Resolution is one clock tick (10 ms): measure over seconds.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICK_US = 10_000; // CLK_TCK = 100 on Linux

interface Stat {
  pid: number;
  ppid: number;
  ticks: number;
}

function readStat(pid: number): Stat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm may contain spaces and parentheses: fields start after the last ')'.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // rest[0] = state (field 3); ppid = field 4; utime = 14; stime = 15
    return { pid, ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]) };
  } catch {
    return null;
  }
}

/** Sum of user+system CPU (µs) of `rootPid` and every live descendant. */
export function treeCpuMicros(rootPid: number): number {
  const all: Stat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s) all.push(s);
  }
  const byParent = new Map<number, Stat[]>();
  for (const s of all) byParent.set(s.ppid, [...(byParent.get(s.ppid) ?? []), s]);
  let total = 0;
  const stack = all.filter((s) => s.pid === rootPid);
  while (stack.length) {
    const s = stack.pop()!;
    total += s.ticks;
    stack.push(...(byParent.get(s.pid) ?? []));
  }
  return total * TICK_US;
}

/** CPU (µs) this process has used so far (user + system). */
export function selfCpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}
