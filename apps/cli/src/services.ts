/**
 * Long-running services that `trustmesh` starts (`trustmesh signer ...`, `trustmesh sidecar ...`).
 * Each lives in its own
 * app and owns its argument parsing; the CLI only dispatches to it. Loaded lazily, so the
 * short commands (`ca list`, `token create`) never pay for gRPC and OpenTelemetry start-up.
 */

export type ServiceEnv = Readonly<Record<string, string | undefined>>;

/** One delegated service command. */
export interface ServiceCommand {
  readonly name: string;
  readonly summary: string;
  /** Usage text printed for `--help` (exit 0). */
  usage(): Promise<string>;
  /** Runs the service until it stops; resolves to the exit code. */
  run(argv: readonly string[], env: ServiceEnv): Promise<number>;
}

export const SERVICES: readonly ServiceCommand[] = [
  {
    name: 'signer',
    summary: 'run the gRPC signing service on a state directory (until SIGINT/SIGTERM)',
    usage: async () => (await import('@trustmesh/signer')).SIGNER_USAGE,
    run: async (argv, env) => (await import('@trustmesh/signer')).runSignerCommand(argv, env),
  },
  {
    name: 'sidecar',
    summary: 'run the mTLS sidecar described by a config file (until SIGINT/SIGTERM)',
    usage: async () => (await import('@trustmesh/sidecar')).SIDECAR_USAGE,
    run: async (argv, env) => (await import('@trustmesh/sidecar')).runSidecarCommand(argv, env),
  },
];

/** The service named by argv[0], if any. */
export function findService(argv: readonly string[]): ServiceCommand | undefined {
  return SERVICES.find((s) => s.name === argv[0]);
}

/** Lines for the top-level help. */
export function servicesHelp(): string[] {
  const width = Math.max(...SERVICES.map((s) => s.name.length));
  return ['services (each has its own --help):', ...SERVICES.map((s) => `  ${s.name.padEnd(width)}  ${s.summary}`)];
}
