// Full speed from an independent closed-loop generator, wrk (C; Debian's `wrk` package), to
// cross-check autocannon's ceilings and the gateway's share of them. wrk sends what a Lua script
// returns: here the bench mix, each body with its own webhook id (a repeat would be a duplicate,
// answered without Kafka). The script reports, when wrk is done, the counts and percentiles as
// one JSON line.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function findWrk(): string {
  const candidates = [process.env.WRK, 'wrk'].filter((c): c is string => Boolean(c));
  for (const candidate of candidates) {
    // wrk prints its usage and exits 1 when given no URL; a missing binary fails to spawn.
    if (spawnSync(candidate, ['--version'], { stdio: 'ignore' }).error === undefined) return candidate;
  }
  throw new Error('wrk is not installed: apt-get install wrk (or set WRK to its path)');
}

export interface ClosedLoop {
  readonly url: string;
  readonly seconds: number;
  readonly connections: number;
  readonly headers: Record<string, string>;
  /** One-line bodies, used in turn; `<id>` in each is replaced by an id of its own per request. */
  readonly templates: readonly string[];
}

export interface WrkResult {
  readonly requests: number;
  readonly latencyMs: { p50: number; p99: number; p99_9: number; max: number };
  /** Connect, read, write and timeout errors: requests without an HTTP answer. */
  readonly errors: number;
  readonly non2xx: number;
}

// One Lua state per wrk thread; `id` (set from setup) keeps the threads' webhook ids apart.
const SCRIPT = `
local count = 0
function setup(thread) count = count + 1; thread:set("id", count) end
local bodies, n, prefix = {}, 0, ""
function init(args)
  for line in io.lines(args[1]) do bodies[#bodies + 1] = line end
  prefix = args[2] .. "-" .. id .. "-"
  wrk.method = "POST"
end
function request()
  n = n + 1
  local body = bodies[(n % #bodies) + 1]:gsub("<id>", prefix .. n, 1)
  return wrk.format(nil, nil, nil, body)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests":%d,"errors":%d,"non2xx":%d,"p50":%d,"p99":%d,"p999":%d,"max":%d}\\n',
    summary.requests, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max))
end
`;

export async function wrk({ url, seconds, connections, headers, templates }: ClosedLoop, run: string): Promise<WrkResult> {
  const bin = findWrk();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-wrk-'));
  try {
    const script = path.join(dir, 'mix.lua');
    const bodies = path.join(dir, 'bodies.txt');
    writeFileSync(script, SCRIPT);
    writeFileSync(bodies, `${templates.join('\n')}\n`);
    const args = ['--threads', '1', '--connections', String(connections), '--duration', `${seconds}s`, '--timeout', '30s', '--script', script];
    for (const [name, value] of Object.entries(headers)) args.push('--header', `${name}: ${value}`);
    args.push(url, '--', bodies, run);
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.once('error', reject);
      child.once('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited with ${code}: ${text.slice(-500)}`))));
    });
    const line = out.split('\n').find((l) => l.startsWith('{"requests"'));
    if (!line) throw new Error(`wrk printed no summary:\n${out.slice(-1000)}`);
    const s = JSON.parse(line) as Record<'requests' | 'errors' | 'non2xx' | 'p50' | 'p99' | 'p999' | 'max', number>;
    const ms = (micros: number) => Math.round(micros / 10) / 100;
    return {
      requests: s.requests,
      latencyMs: { p50: ms(s.p50), p99: ms(s.p99), p99_9: ms(s.p999), max: ms(s.max) },
      errors: s.errors,
      non2xx: s.non2xx,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
