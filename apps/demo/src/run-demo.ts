/**
 * The demo (what `npm start` runs, apps/demo/bin/demo.js): starts the demo mesh, drives traffic, redraws the
 * view once a second and stops everything cleanly on Ctrl-C, on `--duration`, or when a process
 * dies. Exit codes: 0 ok; 1 when a process died, setup failed, or (with --duration) any allowed
 * request failed or web ever reached db; 2 for bad arguments.
 */
import { DEMO_USAGE, parseDemoArgs, type DemoOptions } from './demo-args';
import { DemoError } from './demo-error';
import { REPO_ROOT, startMesh, type RunningMesh } from './mesh';
import { rotationAvailable, runRotation } from './rotation';
import { SidecarWatch } from './sidecar-watch';
import { TrafficLoop } from './traffic';
import { CLEAR, renderLine, renderSummary, renderView, type ViewState } from './view';
import { join } from 'node:path';

/** Environment the demo reads (none today; main.ts hands in process.env). */
export type DemoEnv = Readonly<Record<string, string | undefined>>;

/** Where the demo writes: stdout text and whether it is a terminal. */
export interface DemoIo {
  readonly write: (text: string) => void;
  readonly isTty: boolean;
}

const processIo = (): DemoIo => ({ write: (t) => process.stdout.write(t), isTty: process.stdout.isTTY === true });

/**
 * Runs the demo for `argv` (the arguments after `npm start --`). Resolves to the exit code once every child has been
 * stopped. Installs SIGINT/SIGTERM handlers for its lifetime.
 */
export async function runDemoCommand(
  argv: readonly string[],
  _env: DemoEnv,
  io: DemoIo = processIo(),
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.write(`${DEMO_USAGE}\n`);
    return 0;
  }
  let opts: DemoOptions;
  try {
    opts = parseDemoArgs(argv, join(REPO_ROOT, '.demo-state'), process.cwd());
    if (opts.rotate && !(await rotationAvailable())) {
      throw new DemoError('ARGS_INVALID', '--rotate needs `trustmesh ca rotate`, which this build does not have');
    }
  } catch (err) {
    return fail(err, 2);
  }
  return new Demo(opts, io).run();
}

function fail(err: unknown, code: number): number {
  const e = err instanceof DemoError ? err : new DemoError('SETUP_FAILED', (err as Error).message);
  process.stderr.write(`trustmesh: ${e.code}: ${e.message} (${e.detail})\n`);
  return code;
}

type StopReason = 'interrupted' | 'duration' | 'process died' | 'rotation failed';

class Demo {
  private stopReason: StopReason | undefined;
  private wake: (() => void) | undefined;
  private mesh: RunningMesh | undefined;
  private readonly events: string[] = [];
  private rotation: string | undefined;
  private rotationDone = false;
  private diedDetail = '';

  constructor(
    private readonly o: DemoOptions,
    private readonly io: DemoIo,
  ) {}

  async run(): Promise<number> {
    const onSignal = (): void => this.requestStop('interrupted');
    const onExit = (): void => this.mesh?.children.killAllNow();
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('exit', onExit);
    try {
      return await this.runMesh();
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('exit', onExit);
    }
  }

  private requestStop(reason: StopReason, detail = ''): void {
    if (this.stopReason) return;
    this.stopReason = reason;
    this.diedDetail = detail;
    this.wake?.();
  }

  private async runMesh(): Promise<number> {
    const say = (t: string): void => this.io.write(`${t}\n`);
    say(`TrustMesh demo: setting up ${this.o.dir} (DEV: development keys, unencrypted)…`);
    try {
      this.mesh = await startMesh({
        dir: this.o.dir,
        onUnexpectedExit: (name, code) =>
          this.requestStop('process died', `${name} exited with ${code}; see ${this.o.dir}/logs/${name}.log`),
      });
    } catch (err) {
      return fail(err, 1);
    }
    const mesh = this.mesh;
    const traffic = new TrafficLoop({ webPort: mesh.ports.web.svc, rate: this.o.rate });
    const watch = new SidecarWatch({
      'web-sidecar': mesh.ports.web.admin,
      'api-sidecar': mesh.ports.api.admin,
      'db-sidecar': mesh.ports.db.admin,
    });
    const startedAt = new Date();
    const endAt =
      this.o.durationSeconds !== undefined ? startedAt.getTime() + this.o.durationSeconds * 1000 : undefined;
    let lastOk = 0;
    let state = this.snapshot(mesh, traffic, watch, startedAt, 0, undefined, endAt);
    if (this.stopReason === undefined) {
      traffic.start();
      await watch.poll();
      if (this.o.rotate) void this.rotate(mesh, this.o.rotate, traffic);
      let tick = 0;
      while (this.stopReason === undefined) {
        await new Promise<void>((r) => {
          this.wake = r;
          setTimeout(r, 1000);
        });
        if (this.stopReason !== undefined) break;
        const before = watch.views.map((v) => v.serial);
        await watch.poll();
        watch.views.forEach((v, i) => {
          if (before[i] !== undefined && v.serial !== before[i])
            this.event(`${v.name} renewed: serial ${v.serial?.slice(0, 10)}…`);
        });
        const lat = traffic.takeLatencies().sort((a, b) => a - b);
        state = this.snapshot(
          mesh,
          traffic,
          watch,
          startedAt,
          traffic.stats.ok - lastOk,
          lat.length ? lat[Math.floor(lat.length * 0.99)] : undefined,
          endAt,
        );
        lastOk = traffic.stats.ok;
        if (this.io.isTty && !this.o.plain) this.io.write(CLEAR + renderView(state).join('\n') + '\n');
        else if (tick++ % 5 === 0) this.io.write(renderLine(state) + '\n');
        if (endAt !== undefined && Date.now() >= endAt) this.requestStop('duration');
      }
    }
    await traffic.stop();
    await watch.poll();
    state = this.snapshot(mesh, traffic, watch, startedAt, 0, undefined, endAt);
    const codes = await mesh.stop();
    const died = this.stopReason === 'process died' || this.stopReason === 'rotation failed';
    const badTraffic =
      traffic.stats.failed > 0 || traffic.stats.breaches > 0 || traffic.stats.probeErrors > 0 || traffic.stats.ok === 0;
    // Unattended runs must prove the point: no failed request, no breach, and the rotation finished.
    const incomplete = this.o.rotate !== undefined && !this.rotationDone;
    if (incomplete && this.rotation) this.rotation = `INCOMPLETE, stopped during: ${this.rotation}`;
    state = { ...state, ...(this.rotation ? { rotation: this.rotation } : {}) };
    const exitCode = died || (this.stopReason === 'duration' && (badTraffic || incomplete)) ? 1 : 0;
    for (const line of renderSummary(state, exitCode, this.stopReason ?? 'stopped')) this.io.write(line + '\n');
    if (this.diedDetail) this.io.write(`  ${this.diedDetail}\n`);
    const unclean = Object.entries(codes)
      .filter(([, c]) => c !== 0)
      .map(([n, c]) => `${n}=${c}`);
    if (unclean.length > 0) this.io.write(`  processes that did not exit 0: ${unclean.join(', ')}\n`);
    return exitCode;
  }

  private event(text: string): void {
    this.events.push(`${new Date().toISOString().slice(11, 19)} ${text}`);
    if (this.events.length > 6) this.events.shift();
  }

  private async rotate(mesh: RunningMesh, type: string, traffic: TrafficLoop): Promise<void> {
    try {
      this.rotationDone = await runRotation(
        mesh,
        type,
        (phase) => {
          this.rotation = phase;
          if (!phase.includes('(attempt')) this.event(`rotation ${type}: ${phase}`); // retries show in the rotation line only
        },
        () => this.stopReason !== undefined,
        (on) => traffic.setProbe(on),
      );
    } catch (err) {
      const e = err instanceof DemoError ? err : new DemoError('ROTATION_FAILED', (err as Error).message);
      this.event(`rotation failed: ${e.detail}`);
      this.requestStop('rotation failed', `${e.code}: ${e.detail}`);
    }
  }

  private snapshot(
    mesh: RunningMesh,
    traffic: TrafficLoop,
    watch: SidecarWatch,
    startedAt: Date,
    okPerSecond: number,
    p99Ms: number | undefined,
    endAt: number | undefined,
  ): ViewState {
    const now = new Date();
    return {
      now,
      startedAt,
      dir: this.o.dir,
      signerPort: mesh.ports.signer,
      rate: this.o.rate,
      stats: traffic.stats,
      okPerSecond,
      ...(p99Ms !== undefined ? { p99Ms } : {}),
      sidecars: watch.views,
      events: [...this.events],
      ...(this.rotation ? { rotation: this.rotation } : {}),
      ...(endAt !== undefined ? { secondsLeft: Math.max(0, Math.ceil((endAt - now.getTime()) / 1000)) } : {}),
    };
  }
}
