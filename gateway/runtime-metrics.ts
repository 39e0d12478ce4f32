// What the Node runtime adds to a request's latency, for /metrics: event-loop delay (every
// request waits out whatever holds the loop) and garbage-collection pauses, at a resolution
// fine enough for a tail measured in milliseconds.
import { constants, monitorEventLoopDelay, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';
import client from 'prom-client';

const RESOLUTION_MS = 5;
const PAUSE_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1];

// node:perf_hooks' gc entry kinds. Young-generation collections are `minor` (scavenge) or, with
// V8's newer young-generation collector, `minor-mark-sweep`; `major` is a full mark-compact.
const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MINOR_MARK_SWEEP]: 'minor-mark-sweep',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

export function observeRuntime(registry: client.Registry): void {
  const loop = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  loop.enable();
  new client.Gauge({
    name: 'gateway_event_loop_delay_seconds',
    help: 'Event-loop delay since the previous scrape, by quantile (node:perf_hooks monitorEventLoopDelay, 5 ms resolution); the highest of the workers',
    labelNames: ['quantile'],
    aggregator: 'max',
    registers: [registry],
    collect() {
      // The monitor records the time between its timer's runs: the resolution plus the delay.
      const seconds = (ns: number) => (Number.isFinite(ns) ? Math.max(0, ns / 1e6 - RESOLUTION_MS) / 1000 : 0);
      this.set({ quantile: '0.5' }, seconds(loop.percentile(50)));
      this.set({ quantile: '0.99' }, seconds(loop.percentile(99)));
      this.set({ quantile: '0.999' }, seconds(loop.percentile(99.9)));
      this.set({ quantile: '1' }, seconds(loop.max));
      loop.reset();
    },
  });
  const pauses = new client.Histogram({
    name: 'gateway_gc_pause_seconds',
    help: 'Garbage-collection pauses by kind (minor, minor-mark-sweep: young generation; major: mark-compact; incremental: marking steps)',
    labelNames: ['kind'],
    buckets: PAUSE_BUCKETS,
    registers: [registry],
  });
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const detail = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail;
      const kind = GC_KINDS[detail?.kind ?? 0] ?? 'other';
      pauses.observe({ kind }, entry.duration / 1000);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  // Everything V8 allocated, garbage included: divided by the requests served, it is what each
  // request costs the young generation (and so how often it is collected). Where V8 reports it
  // (Node 26 does); otherwise the counter is left out.
  const allocated = () => (v8.getHeapStatistics() as v8.HeapInfo & { total_allocated_bytes?: number }).total_allocated_bytes;
  if (allocated() !== undefined) {
    new client.Counter({
      name: 'gateway_heap_allocated_bytes_total',
      help: 'Bytes V8 allocated on the JavaScript heap since the process started, garbage included (v8.getHeapStatistics().total_allocated_bytes); summed over the workers',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(allocated() ?? 0);
      },
    });
  }
}

export { PAUSE_BUCKETS };
