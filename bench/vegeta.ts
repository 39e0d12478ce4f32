// The same paced load from an independent generator, vegeta (Go; `go install
// github.com/tsenart/vegeta/v12@latest`), to cross-check bench/paced.ts. Every request has a
// body of its own (a repeat would be a duplicate, answered without Kafka), so the targets file
// holds rate × seconds of them. vegeta counts latency from when it sent each request; requests
// it could not send on time show up as a lower achieved rate, which the result reports.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type OpenLoop, type PacedResult, percentiles } from './paced.ts';

export function findVegeta(): string {
  const candidates = [process.env.VEGETA, path.join(os.homedir(), 'go', 'bin', 'vegeta'), 'vegeta'].filter((c): c is string => Boolean(c));
  for (const candidate of candidates) {
    if (spawnSync(candidate, ['-version'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  throw new Error('vegeta is not installed: go install github.com/tsenart/vegeta/v12@latest (or set VEGETA to its path)');
}

export interface VegetaResult extends PacedResult {
  /** Requests per second vegeta achieved over the counted part. */
  readonly achievedRate: number;
}

export async function vegeta({ url, rate, seconds, headers, body, warmupSeconds = 2, onCounting }: OpenLoop): Promise<VegetaResult> {
  const bin = findVegeta();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-vegeta-'));
  try {
    const targets = path.join(dir, 'targets.jsonl');
    const header = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]]));
    const total = Math.round(rate * (seconds + warmupSeconds));
    const out = createWriteStream(targets);
    for (let i = 0; i < total; i++) {
      const line = `${JSON.stringify({ method: 'POST', url, header, body: Buffer.from(body(i)).toString('base64') })}\n`;
      if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    await new Promise<void>((resolve) => out.end(() => resolve()));
    const csv = path.join(dir, 'results.csv');
    const duration = `${seconds + warmupSeconds}s`;
    setTimeout(() => onCounting?.(), warmupSeconds * 1000);
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        'bash',
        [
          '-c',
          `"$0" attack -format=json -targets="$1" -rate="$2/1s" -duration="$3" -timeout=30s | "$0" encode --to csv --output "$4"`,
          bin,
          targets,
          String(rate),
          duration,
          csv,
        ],
        { stdio: ['ignore', 'inherit', 'inherit'] },
      );
      child.once('error', reject);
      child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`vegeta exited with ${code}`))));
    });
    // timestamp (ns since epoch), code, latency (ns), bytes out, bytes in, error, body, ...
    const rows = readFileSync(csv, 'utf8').trim().split('\n');
    const parsed = rows.map((row) => {
      const [timestamp, code, latency] = row.split(',');
      const error = /^(?:[^,]*,){5}"?([^",]*)/.exec(row)?.[1] ?? '';
      return { at: Number(timestamp) / 1e6, code: Number(code), latencyMs: Number(latency) / 1e6, error };
    });
    const start = parsed.reduce((min, r) => Math.min(min, r.at), Infinity);
    const counted = parsed.filter((r) => r.at >= start + warmupSeconds * 1000);
    const errorCodes: Record<string, number> = {};
    let non2xx = 0;
    for (const r of counted) {
      if (r.code === 0) errorCodes[r.error || 'unknown'] = (errorCodes[r.error || 'unknown'] ?? 0) + 1;
      else if (r.code < 200 || r.code > 299) non2xx++;
    }
    const span = (counted.reduce((max, r) => Math.max(max, r.at), -Infinity) - counted.reduce((min, r) => Math.min(min, r.at), Infinity)) / 1000;
    return {
      requests: counted.length,
      sent: parsed.length,
      latencyMs: percentiles(Float64Array.from(counted.map((r) => r.latencyMs))),
      errors: Object.values(errorCodes).reduce((a, b) => a + b, 0),
      errorCodes,
      non2xx,
      achievedRate: Math.round(counted.length / Math.max(span, 1e-9)),
    };
  } finally {
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  }
}
