// An open-loop load at a steady rate, for latency below the maximum. autocannon's rate limit
// lets every connection send its whole quota for the second at once and then wait, so its
// "50%" is full speed for half of each second; here request i is due at start + i/rate, sent
// on a free keep-alive connection (a new one when all are busy; bench/keep-alive-pool.ts), and
// its latency counts from when it was due, so a stall delays every request behind it (no
// coordinated omission). The first `warmupSeconds` open the connections and are not counted.
import { KeepAlivePool, type Outcome, poster } from './keep-alive-pool.ts';

export interface PacedResult {
  readonly requests: number;
  readonly latencyMs: { p50: number; p99: number; p99_9: number; max: number };
  readonly errors: number;
  /** Network errors by code (ECONNRESET, …). */
  readonly errorCodes: Record<string, number>;
  readonly non2xx: number;
  /** Every request sent, warm-up included: how many bodies the run used. */
  readonly sent: number;
  /** The counted requests in `segments` equal parts by due time (e.g. a soak's quarters). */
  readonly bySegment?: readonly { p50: number; p99: number; p99_9: number; max: number; errors: number }[];
}

/** p50, p99, p99.9 and max of latencies in ms, to 0.1 ms. */
export function percentiles(values: Float64Array): { p50: number; p99: number; p99_9: number; max: number } {
  const sorted = values.slice().sort();
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 10) / 10;
  return { p50: at(0.5), p99: at(0.99), p99_9: at(0.999), max: Math.round(sorted[sorted.length - 1]! * 10) / 10 };
}

/** An open-loop load: `rate` requests a second for `seconds`, after `warmupSeconds` not counted. */
export interface OpenLoop {
  url: string;
  rate: number;
  seconds: number;
  headers: Record<string, string>;
  /** The body of request number n. */
  body: (n: number) => string;
  warmupSeconds?: number;
  /** Called as the first counted request is sent. */
  onCounting?: () => void;
}

export async function paced({
  url,
  rate,
  seconds,
  headers,
  body,
  connections,
  warmupSeconds = 2,
  segments = 1,
  maxConnections,
  onCounting,
}: OpenLoop & {
  connections: number;
  segments?: number;
  /** Connections at most (default 4 × connections); requests beyond wait for a free one. */
  maxConnections?: number;
}): Promise<PacedResult> {
  const target = new URL(url);
  const host = target.hostname;
  const port = Number(target.port);
  const pool = new KeepAlivePool({ host, port, maxConnections: maxConnections ?? connections * 4 });
  const post = poster({ host, port, path: target.pathname, headers });
  const skipped = Math.round(rate * warmupSeconds);
  const counted = Math.round(rate * seconds);
  const total = skipped + counted;
  const latencies = new Float64Array(counted);
  const failed = new Uint8Array(counted);
  let done = 0;
  const errorCodes: Record<string, number> = {};
  let non2xx = 0;
  const start = performance.now();
  let next = 0;

  await new Promise<void>((resolve) => {
    const finish = (i: number, outcome: Outcome) => {
      if (i >= skipped) {
        latencies[i - skipped] = performance.now() - (start + (i * 1000) / rate);
        if ('code' in outcome) {
          errorCodes[outcome.code] = (errorCodes[outcome.code] ?? 0) + 1;
          failed[i - skipped] = 1;
        } else if (outcome.status < 200 || outcome.status > 299) non2xx++;
      }
      if (++done === total) resolve();
    };
    const send = (i: number) => {
      pool.request(post(body(i)), (outcome) => finish(i, outcome));
    };
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
      while (next < due) {
        if (next === skipped) onCounting?.();
        send(next++);
      }
      if (next < total) setTimeout(tick, 1);
    };
    tick();
  });
  pool.destroy();
  const size = Math.ceil(counted / segments);
  const bySegment =
    segments > 1
      ? Array.from({ length: segments }, (_, k) => ({
          ...percentiles(latencies.subarray(k * size, (k + 1) * size)),
          errors: failed.subarray(k * size, (k + 1) * size).reduce((a, b) => a + b, 0),
        }))
      : undefined;
  return {
    requests: counted,
    sent: total,
    latencyMs: percentiles(latencies),
    ...(bySegment ? { bySegment } : {}),
    errors: Object.values(errorCodes).reduce((a, b) => a + b, 0),
    errorCodes,
    non2xx,
  };
}
