/**
 * Structured logs: one JSON object per line. The proxy logs every accepted or refused peer with
 * its identity and reason through {@link Logger}; where the lines go is the caller's choice.
 */

/** Severity of a log line. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Fields of one line; values must be JSON-serialisable. */
export type LogFields = Readonly<Record<string, unknown>>;

/** The logging interface every sidecar module takes. */
export interface Logger {
  log(level: LogLevel, event: string, fields?: LogFields): void;
}

/**
 * Writes `{"time","level","event",...fields}` lines through `write` (default: stdout).
 * `now` is injectable for tests. Never throws: a field that cannot be serialised is replaced.
 */
export class JsonLogger implements Logger {
  constructor(
    private readonly write: (line: string) => void = (line) => process.stdout.write(line),
    private readonly now: () => Date = () => new Date(),
  ) {}

  log(level: LogLevel, event: string, fields: LogFields = {}): void {
    let line: string;
    try {
      line = JSON.stringify({ time: this.now().toISOString(), level, event, ...fields });
    } catch {
      line = JSON.stringify({ time: this.now().toISOString(), level, event, note: 'unserialisable fields dropped' });
    }
    this.write(`${line}\n`);
  }
}

/** Keeps entries in memory (bounded, oldest dropped); for tests and the admin view. */
export class MemoryLogger implements Logger {
  readonly entries: { level: LogLevel; event: string; fields: LogFields }[] = [];

  constructor(private readonly max = 10_000) {}

  log(level: LogLevel, event: string, fields: LogFields = {}): void {
    if (this.entries.length >= this.max) this.entries.shift();
    this.entries.push({ level, event, fields });
  }
}
