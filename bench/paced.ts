// An open-loop load at a steady rate, for latency below the maximum. autocannon's rate limit
// lets every connection send its whole quota for the second at once and then wait, so its
// "50%" is full speed for half of each second; here request i is due at start + i/rate, sent
// on a free keep-alive connection (a new one when all are busy), and its latency counts from
// when it was due, so a stall delays every request behind it (no coordinated omission). The
// first `warmupSeconds` open the connections and are not counted.
import http from 'node:http';

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
  // FIFO: every open connection keeps being used, so none sits idle into the server's keep-alive
  // timeout and races its close (LIFO, Node's default, leaves the extra ones idle).
  const agent = new http.Agent({ keepAlive: true, maxSockets: maxConnections ?? connections * 4, scheduling: 'fifo' });
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
    const finish = (i: number, status: number | undefined, code?: string) => {
      if (i >= skipped) {
        latencies[i - skipped] = performance.now() - (start + (i * 1000) / rate);
        if (status === undefined) {
          errorCodes[code ?? 'unknown'] = (errorCodes[code ?? 'unknown'] ?? 0) + 1;
          failed[i - skipped] = 1;
        } else if (status < 200 || status > 299) non2xx++;
      }
      if (++done === total) resolve();
    };
    const send = (i: number) => {
      const payload = body(i);
      const req = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: { ...headers, 'content-length': Buffer.byteLength(payload) },
        },
        (res) => {
          res.resume();
          res.once('end', () => finish(i, res.statusCode));
        },
      );
      req.once('error', (err: NodeJS.ErrnoException) => finish(i, undefined, err.code));
      req.end(payload);
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
  agent.destroy();
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
