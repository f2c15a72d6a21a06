/**
 * The demo's child processes: started in their own process group (so a terminal Ctrl-C reaches
 * only the demo, which then stops them in order), output appended to one log file each, stopped
 * by pid with SIGTERM and, after a grace period, SIGKILL. An unexpected exit is reported once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { DemoError } from './demo-error';

/** One running child. */
export interface DemoChild {
  readonly name: string;
  readonly pid: number;
  readonly proc: ChildProcess;
  /** Resolves with the exit code (or 128+signal) once the process has exited. */
  readonly exited: Promise<number>;
}

/** Starts, watches and stops the demo's processes. */
export class ChildSet {
  private readonly children: DemoChild[] = [];
  private stopping = false;
  private readonly expected = new Set<DemoChild>();

  /**
   * @param logDir directory for `<name>.log`
   * @param onUnexpectedExit called once per child that exits while the set is not stopping
   */
  constructor(
    private readonly logDir: string,
    private readonly onUnexpectedExit: (name: string, code: number) => void,
  ) {}

  /**
   * Starts `node <args>` with `cwd`; stdout and stderr go to `<logDir>/<name>.log`. `watch`
   * gets every stdout chunk (to find a "listening on" line).
   */
  start(
    name: string,
    args: readonly string[],
    cwd: string,
    env: NodeJS.ProcessEnv,
    watch?: (text: string) => void,
  ): DemoChild {
    const log: WriteStream = createWriteStream(join(this.logDir, `${name}.log`), { flags: 'a' });
    const proc = spawn(process.execPath, [...args], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    if (proc.pid === undefined) throw new DemoError('CHILD_START_FAILED', `${name}: spawn failed`);
    proc.stdout?.on('data', (d: Buffer) => {
      log.write(d);
      watch?.(d.toString());
    });
    proc.stderr?.on('data', (d: Buffer) => log.write(d));
    // The exit handler needs the child record, which needs the exit promise: break the cycle.
    const ref: { child?: DemoChild } = {};
    const exited = new Promise<number>((resolve) => {
      proc.once('exit', (code, sig) => {
        const rc = code ?? 128 + (sig === 'SIGKILL' ? 9 : 15);
        log.end();
        if (!this.stopping && !(ref.child && this.expected.has(ref.child))) this.onUnexpectedExit(name, rc);
        resolve(rc);
      });
    });
    const child: DemoChild = { name, pid: proc.pid, proc, exited };
    ref.child = child;
    this.children.push(child);
    return child;
  }

  /** Marks the set as stopping: exits from now on are expected. */
  beginStop(): void {
    this.stopping = true;
  }

  /**
   * Stops the named children (all when omitted) with SIGTERM, waits up to `graceMs` for each,
   * then SIGKILLs whatever is left. Resolves with each child's exit code.
   */
  async stop(names?: readonly string[], graceMs = 8000): Promise<Record<string, number>> {
    this.beginStop();
    const targets = this.children.filter((c) => !names || names.includes(c.name));
    const out: Record<string, number> = {};
    await Promise.all(
      targets.map(async (c) => {
        if (c.proc.exitCode === null && c.proc.signalCode === null) signal(c.pid, 'SIGTERM');
        const timer = setTimeout(() => signal(c.pid, 'SIGKILL'), graceMs);
        out[c.name] = await c.exited;
        clearTimeout(timer);
      }),
    );
    return out;
  }

  /** Last resort on process exit: SIGKILL every child still running (synchronous). */
  killAllNow(): void {
    for (const c of this.children) if (c.proc.exitCode === null && c.proc.signalCode === null) signal(c.pid, 'SIGKILL');
  }

  /** The child started last under `name`, if any. */
  get(name: string): DemoChild | undefined {
    return [...this.children].reverse().find((c) => c.name === name);
  }

  /**
   * Kills the latest child named `name` abruptly (SIGKILL) as part of a scenario; its exit is
   * expected (not reported). Resolves once it has exited.
   */
  async kill(name: string): Promise<void> {
    const c = this.get(name);
    if (!c) return;
    this.expected.add(c);
    signal(c.pid, 'SIGKILL');
    await c.exited;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone: nothing to stop.
  }
}
