import {
  context as otelContext,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';

/**
 * Runs `fn` inside a span named `name`, child of `parent` (default: the active context), and ends
 * it. A thrown error marks the span ERROR, records its `code` (the project's typed errors) as
 * `error.code`, and is rethrown unchanged. `fn` receives the span and the context to pass to
 * child spans.
 */
export async function withSpan<T>(
  tracer: Tracer,
  name: string,
  options: { parent?: Context; attributes?: Attributes },
  fn: (span: Span, ctx: Context) => Promise<T> | T,
): Promise<T> {
  const parent = options.parent ?? otelContext.active();
  const span = tracer.startSpan(name, { attributes: options.attributes }, parent);
  const ctx = trace.setSpan(parent, span);
  try {
    return await fn(span, ctx);
  } catch (err) {
    markSpanError(span, err);
    throw err;
  } finally {
    span.end();
  }
}

/**
 * Marks `span` as failed with the error's stable reason as `error.code`: its string `reason`
 * (an already mapped RPC error) or string `code` (the project's typed errors), else UNEXPECTED.
 */
export function markSpanError(span: Span, err: unknown): void {
  const e = err as { code?: unknown; reason?: unknown } | undefined;
  const code = typeof e?.reason === 'string' ? e.reason : typeof e?.code === 'string' ? e.code : 'UNEXPECTED';
  span.setAttribute('error.code', code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: code });
}

/**
 * Starts a monotonic stopwatch; the returned function gives the seconds elapsed (for histograms
 * in seconds, the Prometheus convention).
 */
export function startTimer(): () => number {
  const start = process.hrtime.bigint();
  return () => Number(process.hrtime.bigint() - start) / 1e9;
}
