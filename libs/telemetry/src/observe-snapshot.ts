import type { Attributes, BatchObservableResult, Meter, Observable } from '@opentelemetry/api';

/** One instrument fed from values the app keeps itself. */
export interface SnapshotInstrument {
  /** The instrument name; for Prometheus, a counter's name should already end in `_total`. */
  readonly name: string;
  /** `counter`: a cumulative, never decreasing total. `gauge`: a current value (may go down). */
  readonly kind: 'counter' | 'gauge';
  readonly description: string;
  /** UCUM unit (`s`, `By`); default none. */
  readonly unit?: string;
}

/** One series as the app holds it at collection time. */
export interface SnapshotPoint {
  readonly name: string;
  /** Exported in this key order. */
  readonly attributes: Attributes;
  readonly value: number;
}

/**
 * Exports numbers the app keeps in process (plain increments on its hot path, no OpenTelemetry
 * call per event) through `meter`: one ObservableCounter per `counter` and one ObservableGauge
 * per `gauge` instrument, all observed by a single batch callback that calls `read()` once per
 * collection (each Prometheus scrape, each OTLP export) and reports every point it returns.
 * Recording therefore costs only the app's own increment; the cost of a collection grows with the
 * number of series, not of events.
 *
 * Points whose name is not among `instruments` are ignored, as are counter points below zero
 * (the SDK drops them). When `read()` throws, the SDK reports the error through `diag` and this
 * collection carries none of these series. Returns a function that removes the callback
 * (idempotent): `read` is not called again; the instruments stay registered on the meter, and a
 * cumulative reader (the Prometheus one) keeps exposing the last values it collected.
 */
export function observeSnapshot(
  meter: Meter,
  instruments: readonly SnapshotInstrument[],
  read: () => Iterable<SnapshotPoint>,
): () => void {
  const byName = new Map<string, Observable>();
  for (const i of instruments) {
    const options = { description: i.description, ...(i.unit ? { unit: i.unit } : {}) };
    byName.set(
      i.name,
      i.kind === 'counter'
        ? meter.createObservableCounter(i.name, options)
        : meter.createObservableGauge(i.name, options),
    );
  }
  const observables = [...byName.values()];
  const callback = (result: BatchObservableResult): void => {
    for (const p of read()) {
      const instrument = byName.get(p.name);
      if (instrument) result.observe(instrument, p.value, p.attributes);
    }
  };
  meter.addBatchObservableCallback(callback, observables);
  let removed = false;
  return () => {
    if (removed) return;
    removed = true;
    meter.removeBatchObservableCallback(callback, observables);
  };
}
