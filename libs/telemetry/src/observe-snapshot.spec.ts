import { createTelemetry, observeSnapshot, type SnapshotInstrument, type SnapshotPoint } from './index';
import { serve } from './testing/serve';

const INSTRUMENTS: SnapshotInstrument[] = [
  { name: 'app_requests_total', kind: 'counter', description: 'Requests by route' },
  { name: 'app_open', kind: 'gauge', description: 'Open things' },
  { name: 'app_bytes_total', kind: 'counter', description: 'Bytes', unit: 'By' },
];

async function scrape(handler: Parameters<typeof serve>[0]): Promise<string> {
  const srv = await serve(handler);
  try {
    return await (await fetch(`${srv.url}/metrics`)).text();
  } finally {
    await srv.close();
  }
}

describe('observeSnapshot', () => {
  it("ok/counters and gauges are read from the app at each scrape, in the app's label order", async () => {
    const t = createTelemetry({ serviceName: 'app' });
    const values = { requests: 0, open: 0 };
    let reads = 0;
    const read = (): SnapshotPoint[] => {
      reads += 1;
      return [
        { name: 'app_requests_total', attributes: { route: 'db', direction: 'in' }, value: values.requests },
        { name: 'app_open', attributes: { route: 'db' }, value: values.open },
        { name: 'not_an_instrument', attributes: {}, value: 9 },
      ];
    };
    observeSnapshot(t.meter, INSTRUMENTS, read);
    try {
      const handler = t.metricsHandler;
      let text = await scrape(handler);
      expect(reads).toBe(1);
      expect(text).toContain(
        '# HELP app_requests_total Requests by route\n# TYPE app_requests_total counter\napp_requests_total{route="db",direction="in"} 0\n',
      );
      expect(text).toContain('# TYPE app_open gauge\napp_open{route="db"} 0\n');
      expect(text).not.toContain('not_an_instrument');
      // No points for it: no series, no HELP/TYPE.
      expect(text).not.toContain('app_bytes_total');

      values.requests = 5;
      values.open = 2;
      text = await scrape(handler);
      expect(reads).toBe(2);
      expect(text).toContain('app_requests_total{route="db",direction="in"} 5\n');
      expect(text).toContain('app_open{route="db"} 2\n');

      values.open = 1; // a gauge goes down
      text = await scrape(handler);
      expect(text).toContain('app_open{route="db"} 1\n');
    } finally {
      await t.shutdown();
    }
  });

  it('ok/the remover stops the reads (idempotent)', async () => {
    const t = createTelemetry({ serviceName: 'app' });
    let reads = 0;
    const stop = observeSnapshot(t.meter, INSTRUMENTS, () => {
      reads += 1;
      return [{ name: 'app_bytes_total', attributes: {}, value: 10 }];
    });
    try {
      expect(await scrape(t.metricsHandler)).toContain('# UNIT app_bytes_total By\n');
      stop();
      stop();
      await scrape(t.metricsHandler);
      expect(reads).toBe(1);
    } finally {
      await t.shutdown();
    }
  });

  it('fail/a read that throws leaves its series out and the rest of the scrape is served', async () => {
    const t = createTelemetry({ serviceName: 'app' });
    t.meter.createCounter('app_other').add(3);
    observeSnapshot(t.meter, INSTRUMENTS, () => {
      throw new Error('boom');
    });
    try {
      const text = await scrape(t.metricsHandler);
      expect(text).toContain('app_other_total 3\n');
      expect(text).not.toContain('app_requests_total');
    } finally {
      await t.shutdown();
    }
  });
});
