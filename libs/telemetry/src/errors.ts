/** Stable codes of {@link TelemetryError}. */
export type TelemetryErrorCode = 'OTEL_CONFIG_INVALID';

const MESSAGES: Record<TelemetryErrorCode, string> = {
  OTEL_CONFIG_INVALID: 'the OpenTelemetry environment settings are invalid',
};

/**
 * A telemetry setup failure. `message` is fixed per code (safe to show); `detail` names the
 * offending variable and value for the operator.
 */
export class TelemetryError extends Error {
  readonly code: TelemetryErrorCode;
  readonly detail?: string;

  constructor(code: TelemetryErrorCode, detail?: string) {
    super(MESSAGES[code]);
    this.name = 'TelemetryError';
    this.code = code;
    this.detail = detail;
  }
}
