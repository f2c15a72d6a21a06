/**
 * SIGTERM / SIGINT handling for a sidecar process: the first signal starts a graceful shutdown
 * (stop accepting, drain up to `limits.drainTimeout`, close) and exits 0; a second signal
 * exits at once with 1 (the operator insists).
 */
import type { Logger } from './observe/logger';
import type { RunningSidecar } from './sidecar';

/** Options of {@link exitOnSignals}. */
export interface SignalOptions {
  logger: Logger;
  /** Default `process.exit`. */
  exit?: (code: number) => void;
  /** Default `['SIGTERM', 'SIGINT']`. */
  signals?: readonly NodeJS.Signals[];
}

/** Installs the handlers; returns a function that removes them. */
export function exitOnSignals(sidecar: RunningSidecar, o: SignalOptions): () => void {
  const exit = o.exit ?? ((code: number) => process.exit(code));
  const signals = o.signals ?? ['SIGTERM', 'SIGINT'];
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      o.logger.log('warn', 'shutdown_forced', { signal });
      exit(1);
      return;
    }
    stopping = true;
    o.logger.log('info', 'signal', { signal });
    sidecar.shutdown().then(
      () => exit(0),
      (e: unknown) => {
        o.logger.log('error', 'shutdown_failed', { error: e instanceof Error ? e.message : String(e) });
        exit(1);
      },
    );
  };
  for (const s of signals) process.on(s, handler);
  return () => {
    for (const s of signals) process.off(s, handler);
  };
}
