// npm run bench [-- --seconds 15 --connections 64 --curve 25,50,75,90 --soak 600 --profile --only gateway --workers 2 --node-args "…"]
// Measures, in one run on this machine: (1) the HTTP ceiling — a bare Koa app answering the same
// requests; (2) the Kafka ceiling — kafkajs producing as many pre-encoded records of the same mix,
// in batches, acks=-1; (3) the gateway, full path, each 200 after Kafka's acknowledgement — then
// the gateway again at 50% of its maximum rate. Writes bench/results/<time>.json and .md.
import autocannon from 'autocannon';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseCli } from '../common/cli-args.ts';
import { projectRoot, stackSettings } from '../stack/settings.ts';
import { childPids, managedProcess, runningPid, statFields } from '../stack/processes.ts';
import { kafkaGcLog } from '../stack/kafka.ts';
import { up } from '../stack/stack.ts';
import { benchBody, benchTemplates, mixTriggers } from './mix.ts';
import type { PacedResult } from './paced.ts';
import { pacedOnThread } from './paced-thread.ts';
import { findVegeta, vegeta } from './vegeta.ts';
import { findWrk, wrk } from './wrk.ts';
import { latencySvg } from './plot.ts';
import { compileTree } from '../docker/compile.ts';
import { gatewayRuntime } from '../docker/gateway-runtime.ts';

const USAGE = `usage: npm run bench -- [options]
Measures, in one run on this machine: the HTTP ceiling (a bare Koa app), the Kafka ceiling
(kafkajs alone, the gateway's records), the gateway at full speed, and the gateway paced below
it. Starts the local stack if needed; writes bench/results/<time>.json, .md and -latency.svg.

  --seconds N         per run (default 15)
  --connections N     closed-loop connections at full speed (default 64)
  --curve 25,50,...   paced runs, in % of the gateway's maximum (50 is always one)
  --soak SECONDS      a long paced run at 50% after the others
  --only gateway      skip the ceilings
  --workers N         GATEWAY_WORKERS for the gateway
  --node-args "..."   Node/V8 options for the gateway process (default: the image's, its
                      NODE_OPTIONS and CMD flags from the Dockerfile; "" for Node's defaults)
  --gateway-env "K=V ..."  extra environment for the gateway (e.g. "KAFKA_PRODUCERS=1"), after
                      the image's ENV settings (NODE_ENV, MALLOC_ARENA_MAX)
  --profile           CPU profile of the gateway
  --typescript        run the gateway's TypeScript sources (default: compiled, as the image runs it)
  --paced-connections N  at most N connections for the paced runs (default 4 × --connections)
  --floor             also (always without --only): the bare Koa app paced at the gateway's
                      50% rate, what this generator and machine measure with no gateway work
  --vegeta            also: the 50% rate from vegeta, an independent open-loop generator
                      (go install github.com/tsenart/vegeta/v12@latest), in the same run
  --wrk               also: the HTTP ceiling and the gateway at full speed from wrk, an
                      independent closed-loop generator (apt-get install wrk), in the same run
  --spool             also: the gateway with SPOOL_ENABLED=false at full speed (what the spool
                      costs while Kafka is healthy), and at full speed while Kafka is paused
                      (SIGSTOP), every event going to the spool; then the time to drain it
`;

// The image's Node options and environment (Dockerfile): the gateway's, unless --node-args or
// --gateway-env say otherwise.
const image = gatewayRuntime();
const imageNodeArgs = image.nodeArgs.join(' ');
const imageEnv = Object.entries(image.env)
  .map(([name, value]) => `${name}=${value}`)
  .join(' ');
const { values } = parseCli(USAGE, {
  seconds: { type: 'string', default: '15' },
  connections: { type: 'string', default: '64' },
  soak: { type: 'string' },
  profile: { type: 'boolean', default: false },
  // Skip the ceilings, to iterate on the gateway alone (the report then has no ratio).
  only: { type: 'string' },
  // Gateway processes (GATEWAY_WORKERS): 1 is a single process, more use Node's cluster module.
  workers: { type: 'string', default: '1' },
  // The default is the image's options: the gateway as it ships.
  'node-args': { type: 'string', default: imageNodeArgs },
  // Extra gateway settings, e.g. "KAFKA_PRODUCERS=1 LINGER_MS=1".
  'gateway-env': { type: 'string', default: '' },
  // Paced runs below the maximum, in % of it; 50 is always one of them.
  curve: { type: 'string', default: '25,50,75,90' },
  spool: { type: 'boolean', default: false },
  vegeta: { type: 'boolean', default: false },
  wrk: { type: 'boolean', default: false },
  // The bare Koa app paced at the gateway's 50% rate: the latency floor of this generator on this machine.
  floor: { type: 'boolean', default: false },
  // Run the gateway's TypeScript sources instead of the compiled JavaScript the image runs.
  typescript: { type: 'boolean', default: false },
  // The paced generator's connection limit (requests beyond it wait for a free connection).
  'paced-connections': { type: 'string' },
});
if (values.vegeta) findVegeta();
if (values.wrk) findWrk();
const seconds = Number(values.seconds);
if (values.only !== undefined && values.only !== 'gateway') throw new Error(`--only ${values.only}: the only run that can be measured alone is "gateway"`);
const ceilings = values.only === undefined;
const connections = Number(values.connections);
const resultsDir = path.join(projectRoot, 'bench', 'results');
mkdirSync(resultsDir, { recursive: true });
const stamp = new Date().toISOString().replaceAll(':', '-').slice(0, 19);
const execFileAsync = promisify(execFile);
const log = (message: string): void => void process.stderr.write(`bench: ${message}\n`);

const settings = stackSettings();
const { env } = await up(settings, log);
const kafkaPid = runningPid(managedProcess('kafka', settings.dir));
const run = `bench-${Date.now().toString(36)}`;
const prefix = `bench.${Date.now().toString(36)}`;
const username = 'bench';
const password = 'bench-secret';
const auth = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

/** Starts a Node child that prints {"port":…} or is ready at /readyz. */
async function startChild(script: string, extraEnv: Record<string, string>, args: string[] = []): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [...args, path.join(projectRoot, script)], {
    env: { ...process.env, ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as { port?: number; msg?: string };
        if (parsed.port !== undefined) resolve(parsed.port);
      } catch {
        /* not JSON */
      }
    });
  });
  return { child, port };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}

/** A process and its descendants (a gateway in cluster mode is a primary and its workers). */
function processTree(root: number): number[] {
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...childPids(tree[i]!));
  return tree;
}

/** TCP connections established to a local port, from ss (iproute2). */
async function establishedConnections(port: number): Promise<number> {
  // In a process of its own: never a pause in the load generator's event loop.
  const out = await execFileAsync('ss', ['-Htn', 'state', 'established', `( sport = :${port} )`]).catch(() => ({ stdout: '' }));
  return out.stdout.split('\n').filter(Boolean).length;
}

/** CPU ticks of the whole machine: busy (all but idle and iowait) and total, from /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  return { busy: total - ticks[3]! - ticks[4]!, total };
}

/**
 * CPU seconds and RSS (MB) summed over processes, from /proc; with `reaped`, also the CPU of
 * their children that have exited (vegeta, run by this process, ends before the sample).
 */
function sample(pids: readonly number[], { reaped = false } = {}): { cpuSeconds: number; rssMb: number } {
  let ticks = 0;
  let rssKb = 0;
  for (const pid of pids) {
    const stat = statFields(pid);
    if (!stat) continue;
    ticks += Number(stat[11]) + Number(stat[12]) + (reaped ? Number(stat[13]) + Number(stat[14]) : 0);
    rssKb += statusKb(pid, 'VmRSS') ?? 0;
  }
  return { cpuSeconds: ticks / 100, rssMb: Math.round(rssKb / 102.4) / 10 };
}

/** A kB field of /proc/<pid>/status (VmRSS, RssAnon, …), or undefined once the process is gone. */
function statusKb(pid: number, field: string): number | undefined {
  try {
    return Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return undefined;
  }
}

/** A process's resident memory by kind: anonymous (heaps, buffers) and file-backed (the binary, libraries). */
function residentParts(pid: number): Record<string, number> {
  const mb = (field: string) => Math.round((statusKb(pid, field) ?? 0) / 102.4) / 10;
  return { 'rss.anonymous': mb('RssAnon'), 'rss.file': mb('RssFile') };
}

/** The broker's GC pauses between two wall-clock times, from the local stack's GC log (stack/kafka.ts). */
function brokerGcPauses(from: number, to: number): { count: number; totalMs: number; maxMs: number } | undefined {
  const file = kafkaGcLog(settings);
  if (!existsSync(file)) return undefined;
  let count = 0;
  let totalMs = 0;
  let maxMs = 0;
  // [2026-12-01T00:50:01.123+0000][12.345s] GC(3) Pause Young (Normal) (G1 Evacuation Pause) 24M->5M(256M) 3.456ms
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^\[(\d{4}-\d\d-\d\dT[\d:.]+)([+-]\d\d)(\d\d)\].* Pause .* ([\d.]+)ms$/.exec(line);
    if (!match) continue;
    const at = Date.parse(`${match[1]}${match[2]}:${match[3]}`);
    if (at < from || at > to) continue;
    const ms = Number(match[4]);
    count++;
    totalMs += ms;
    maxMs = Math.max(maxMs, ms);
  }
  return { count, totalMs: Math.round(totalMs), maxMs: Math.round(maxMs * 10) / 10 };
}

interface StageSummary {
  count: number;
  totalMs: number;
  p50AtMost: number;
  p99AtMost: number;
  p99_9AtMost: number;
  /** The bucket bound the slowest one falls within. */
  maxAtMost: number;
}

interface LoadResult {
  requestsPerSecond: number;
  latencyMs: { p50: number; p99: number; p99_9: number; max: number };
  requests: number;
  errors: number;
  errorCodes?: Record<string, number>;
  non2xx: number;
  /** All cores together (200% = both of 2 cores busy), from /proc/stat. */
  machineCpuPercent?: number;
  /** Of the process under load (all its processes in cluster mode). */
  cpuPercent?: number;
  cpuMicrosPerRequest?: number;
  peakRssMb?: number;
  rssMb?: number[];
  /** The gateway's own view (gateway_ack_duration_seconds): the bucket bounds 99% and 99.9% of acknowledgements fall within. */
  serverAckMs?: { p99AtMost: number; p99_9AtMost: number };
  /** Average events per producer call. */
  eventsPerBatch?: number;
  /** V8 heap allocated per request, garbage included (KB; where V8 reports its total allocation, as Node 26 does). */
  allocatedKbPerRequest?: number;
  /** The most TCP connections established to the server at once (sampled every 500 ms with ss). */
  maxConnections?: number;
  /** A soak by quarter: latency (ms from due), requests without an HTTP answer, and the gateway's RSS. */
  quarters?: { p50: number; p99: number; p99_9: number; max: number; errors: number; rssMbAtEnd: number; peakRssMb: number }[];
  /** The paced generator's own event-loop delay (on its thread). */
  generatorLoopDelayMs?: { p99: number; p99_9: number; max: number };
  /** vegeta: the rate it achieved. */
  achievedRate?: number;
  /** Where the time went (gateway runs): each stage's histogram between the run's first and last scrape. */
  breakdown?: Record<Stage, StageSummary> & { eventLoopDelayMs: Record<string, number> };
  /** The gateway's memory as the run ended: RSS, V8's heap by space, external (single process only). */
  memoryMbAtEnd?: Record<string, number>;
  /** The broker's GC pauses during the run (local stack only). */
  kafkaGcPauses?: { count: number; totalMs: number; maxMs: number };
  /** Who else used the machine's CPU meanwhile: this process (the load generator) and the broker. */
  loadGeneratorCpuPercent?: number;
  kafkaCpuPercent?: number;
}

/** The histograms of where an acknowledgement's time goes (gateway/metrics.ts, gateway/runtime-metrics.ts). */
const STAGES = {
  ack: 'gateway_ack_duration_seconds',
  publishWait: 'gateway_publish_wait_seconds',
  producerCall: 'gateway_produce_duration_seconds',
  kafkajsRequestQueue: 'gateway_kafka_request_queue_seconds',
  produceRequest: 'gateway_kafka_request_seconds',
  gcMinor: 'gateway_gc_pause_seconds{kind="minor"',
  gcMinorMarkSweep: 'gateway_gc_pause_seconds{kind="minor-mark-sweep"',
  gcMajor: 'gateway_gc_pause_seconds{kind="major"',
  gcIncremental: 'gateway_gc_pause_seconds{kind="incremental"',
} as const;
type Stage = keyof typeof STAGES;

interface Histogram {
  /** Cumulative counts by upper bound in ms. */
  buckets: Map<number, number>;
  sumMs: number;
}

/** One histogram of a /metrics text (summed over workers by the primary in cluster mode). */
function histogram(text: string, series: string): Histogram {
  const [name, labels = ''] = series.split('{');
  const buckets = new Map<number, number>();
  // prom-client writes le first: name_bucket{le="0.001",kind="minor"} 5
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}_bucket{`) || (labels && !line.includes(`,${labels}}`))) continue;
    const match = /le="([^"]+)"[^}]*\} (\S+)$/.exec(line);
    if (match) buckets.set(match[1] === '+Inf' ? Infinity : Number(match[1]) * 1000, Number(match[2]));
  }
  const sumLine = text.split('\n').find((line) => line.startsWith(labels ? `${name}_sum{${labels}}` : `${name}_sum `));
  return { buckets, sumMs: Number(sumLine?.split(' ').pop() ?? 0) * 1000 };
}

/** The gateway's histograms and event-loop delay (since the previous scrape), and producer batches. */
async function gatewayCounters(port: number): Promise<{
  stages: Record<Stage, Histogram>;
  loopDelayMs: Record<string, number>;
  batches: number;
  batchedEvents: number;
  memoryMb: Record<string, number>;
  allocatedBytes: number;
}> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const number = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  const stages = Object.fromEntries(Object.entries(STAGES).map(([stage, series]) => [stage, histogram(text, series)])) as Record<Stage, Histogram>;
  const loopDelayMs: Record<string, number> = {};
  for (const [, quantile, value] of text.matchAll(/^gateway_event_loop_delay_seconds\{quantile="([^"]+)"\} (\S+)$/gm))
    loopDelayMs[quantile!] = Math.round(Number(value) * 10_000) / 10;
  // Where the resident memory is: V8's heap by space, and memory outside it that V8 knows of.
  const mb = (bytes: number) => Math.round(bytes / 104857.6) / 10;
  const memoryMb: Record<string, number> = {
    rss: mb(number('gateway_process_resident_memory_bytes')),
    heap: mb(number('gateway_nodejs_heap_size_total_bytes')),
  };
  for (const [, space, value] of text.matchAll(/^gateway_nodejs_heap_space_size_total_bytes\{space="([^"]+)"\} (\S+)$/gm))
    if (Number(value) > 0) memoryMb[`heap.${space}`] = mb(Number(value));
  memoryMb.external = mb(number('gateway_nodejs_external_memory_bytes'));
  return {
    stages,
    loopDelayMs,
    batches: number('gateway_batch_messages_count'),
    batchedEvents: number('gateway_batch_messages_sum'),
    memoryMb,
    allocatedBytes: number('gateway_heap_allocated_bytes_total'),
  };
}

/** Between two scrapes: how many, their total, and the bucket bounds p50, p99 and p99.9 fall within (ms). */
function stageSummary(before: Histogram, after: Histogram): StageSummary {
  const count = (after.buckets.get(Infinity) ?? 0) - (before.buckets.get(Infinity) ?? 0);
  const bound = (q: number) => bucketBound(before.buckets, after.buckets, q);
  return {
    count,
    totalMs: Math.round(after.sumMs - before.sumMs),
    p50AtMost: bound(0.5),
    p99AtMost: bound(0.99),
    p99_9AtMost: bound(0.999),
    maxAtMost: bound(1),
  };
}

function bucketBound(before: Map<number, number>, after: Map<number, number>, quantile: number): number {
  const total = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  for (const [le, count] of [...after].sort((a, b) => a[0] - b[0])) if (count - (before.get(le) ?? 0) >= quantile * total) return le;
  return Infinity;
}

/** Bodies are numbered across every run of this process, so no request repeats an earlier one (a repeat would be a duplicate, answered without Kafka). */
let n = 0;

async function load(
  port: number,
  {
    rate,
    duration,
    pid,
    gateway = false,
    generator = 'paced',
    quarters = false,
  }: { rate?: number; duration: number; pid?: number; gateway?: boolean; generator?: 'paced' | 'vegeta' | 'wrk'; quarters?: boolean },
): Promise<LoadResult> {
  const slots = mixTriggers();
  const target = pid ? processTree(pid) : [];
  const others = { self: [process.pid], kafka: kafkaPid ? [kafkaPid] : [] };
  const samples: { cpuSeconds: number; rssMb: number }[] = [];
  let timer: NodeJS.Timeout | undefined;
  /** Taken when measurement starts (after the paced run's warm-up). */
  let baseline: {
    target: ReturnType<typeof sample>;
    self: ReturnType<typeof sample>;
    kafka: ReturnType<typeof sample>;
    machine: ReturnType<typeof machineTicks>;
    at: number;
    wallClock: number;
    counters?: ReturnType<typeof gatewayCounters>;
  };
  const counting = () => {
    baseline = {
      target: sample(target),
      self: sample(others.self, { reaped: true }),
      kafka: sample(others.kafka),
      machine: machineTicks(),
      at: performance.now(),
      wallClock: Date.now(),
      ...(gateway ? { counters: gatewayCounters(port) } : {}),
    };
    if (pid) timer = setInterval(() => samples.push(sample(target)), 250);
  };
  const url = `http://127.0.0.1:${port}/webhooks/cometchat`;
  const headers = { 'content-type': 'application/json', authorization: auth };
  // At full speed autocannon or wrk (closed loop, `connections` busy); at a given rate an evenly
  // paced open loop, or vegeta's.
  let result: {
    requests: number;
    latencyMs: LoadResult['latencyMs'];
    errors: number;
    errorCodes?: Record<string, number>;
    non2xx: number;
    bySegment?: PacedResult['bySegment'];
  };
  let generatorLoopDelayMs: LoadResult['generatorLoopDelayMs'];
  const connectionCounts: number[] = [];
  const connectionTimer = setInterval(() => void establishedConnections(port).then((count) => connectionCounts.push(count)), 500);
  if (rate && generator === 'vegeta') {
    result = await vegeta({ url, rate, seconds: duration, headers, body: () => benchBody(n++, run, slots), onCounting: counting });
  } else if (rate) {
    // On a thread of its own, so that this thread's sampling never pauses it.
    const threadResult = await pacedOnThread(
      {
        url,
        rate,
        seconds: duration,
        headers,
        connections,
        segments: quarters ? 4 : 1,
        ...(values['paced-connections'] ? { maxConnections: Number(values['paced-connections']) } : {}),
        run,
        firstBody: n,
        slots,
      },
      counting,
    );
    n += threadResult.sent;
    ({ generatorLoopDelayMs, ...result } = threadResult);
  } else if (generator === 'wrk') {
    counting();
    const r = await wrk({ url, seconds: duration, connections, headers, templates: benchTemplates(slots) }, `${run}-wrk${n++}`);
    result = { requests: r.requests, latencyMs: r.latencyMs, errors: r.errors, non2xx: r.non2xx };
  } else {
    counting();
    const r = await autocannon({
      url,
      method: 'POST',
      connections,
      duration,
      headers,
      requests: [{ setupRequest: (req) => ({ ...req, body: benchBody(n++, run, slots) }) }],
    });
    result = {
      requests: r.requests.total,
      latencyMs: { p50: r.latency.p50, p99: r.latency.p99, p99_9: r.latency.p99_9, max: r.latency.max },
      errors: r.errors + r.timeouts,
      non2xx: r.non2xx,
    };
  }
  clearInterval(connectionTimer);
  const elapsed = (performance.now() - baseline!.at) / 1000;
  if (timer) clearInterval(timer);
  const { target: first, machine: firstMachine, counters: countersBefore } = baseline!;
  const machine = machineTicks();
  const percent = (pids: number[], before: { cpuSeconds: number }, reaped = false) =>
    Math.round(((sample(pids, { reaped }).cpuSeconds - before.cpuSeconds) / elapsed) * 100);
  const out: LoadResult = {
    requestsPerSecond: Math.round(result.requests / elapsed),
    latencyMs: result.latencyMs,
    requests: result.requests,
    errors: result.errors,
    ...(result.errorCodes && result.errors > 0 ? { errorCodes: result.errorCodes } : {}),
    non2xx: result.non2xx,
    ...(connectionCounts.length > 0 ? { maxConnections: Math.max(...connectionCounts) } : {}),
    ...(generatorLoopDelayMs ? { generatorLoopDelayMs } : {}),
    ...('achievedRate' in result ? { achievedRate: result.achievedRate as number } : {}),
    machineCpuPercent: Math.round(((machine.busy - firstMachine.busy) / Math.max(1, machine.total - firstMachine.total)) * 100 * os.cpus().length),
    loadGeneratorCpuPercent: percent(others.self, baseline!.self, true),
    ...(kafkaPid ? { kafkaCpuPercent: percent(others.kafka, baseline!.kafka) } : {}),
  };
  if (countersBefore) {
    const [before, after] = [await countersBefore, await gatewayCounters(port)];
    const stages = Object.fromEntries(
      (Object.keys(STAGES) as Stage[]).map((stage) => [stage, stageSummary(before.stages[stage], after.stages[stage])]),
    ) as Record<Stage, StageSummary>;
    out.breakdown = { ...stages, eventLoopDelayMs: after.loopDelayMs };
    out.serverAckMs = { p99AtMost: stages.ack.p99AtMost, p99_9AtMost: stages.ack.p99_9AtMost };
    out.memoryMbAtEnd = { ...after.memoryMb, ...(pid ? residentParts(pid) : {}) };
    const brokerPauses = brokerGcPauses(baseline!.wallClock, Date.now());
    if (brokerPauses) out.kafkaGcPauses = brokerPauses;
    out.eventsPerBatch = Math.round(((after.batchedEvents - before.batchedEvents) / Math.max(1, after.batches - before.batches)) * 10) / 10;
    if (after.allocatedBytes > 0)
      out.allocatedKbPerRequest = Math.round((after.allocatedBytes - before.allocatedBytes) / Math.max(1, result.requests) / 102.4) / 10;
  }
  if (pid && samples.length > 0) {
    const cpuSeconds = sample(target).cpuSeconds - first.cpuSeconds;
    out.cpuPercent = Math.round((cpuSeconds / elapsed) * 100);
    out.cpuMicrosPerRequest = Math.round((cpuSeconds / Math.max(1, result.requests)) * 1e6);
    out.peakRssMb = Math.max(...samples.map((s) => s.rssMb));
    out.rssMb = samples.filter((_, i) => i % 4 === 0).map((s) => s.rssMb);
    if (result.bySegment) {
      const size = Math.ceil(samples.length / result.bySegment.length);
      out.quarters = result.bySegment.map((segment, k) => ({
        ...segment,
        rssMbAtEnd: samples[Math.min(samples.length - 1, (k + 1) * size - 1)]!.rssMb,
        peakRssMb: Math.max(...samples.slice(k * size, (k + 1) * size).map((s) => s.rssMb)),
      }));
    }
  }
  return out;
}

log(
  `machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}; load generator, gateway and Kafka share it`,
);

// 1. HTTP ceiling.
/** The bare Koa app, started for one run after a 2-s warm-up: full speed (autocannon or wrk) or at `rate`. */
async function bareKoa({ rate, generator }: { rate?: number; generator?: 'wrk' } = {}): Promise<LoadResult> {
  const bare = await startChild('bench/bare-koa.ts', { PORT: '0' });
  try {
    await load(bare.port, { duration: 2 }); // warm-up
    return await load(bare.port, { duration: seconds, ...(rate ? { rate } : {}), ...(generator ? { generator } : {}), pid: bare.child.pid! });
  } finally {
    await stopChild(bare.child);
  }
}

let httpCeiling: LoadResult | undefined;
if (ceilings) {
  log(`HTTP ceiling: bare Koa, ${connections} connections, ${seconds} s`);
  httpCeiling = await bareKoa();
}
let httpCeilingWrk: LoadResult | undefined;
if (ceilings && values.wrk) {
  log(`HTTP ceiling from wrk: bare Koa, ${connections} connections, ${seconds} s`);
  httpCeilingWrk = await bareKoa({ generator: 'wrk' });
}

// 3. Gateway (before the Kafka ceiling, which needs its request count).
const gatewayEnv = {
  ...image.env,
  PORT: '0',
  WEBHOOK_USERNAME: username,
  WEBHOOK_PASSWORD: password,
  TOPIC_PREFIX: prefix,
  LOG_LEVEL: 'warn',
  TOPIC_PARTITIONS: '3',
  TOPIC_REPLICATION_FACTOR: '1',
  GATEWAY_WORKERS: values.workers,
  // A spool of this run's own, never the project's .data.
  SPOOL_DIR: mkdtempSync(path.join(os.tmpdir(), 'bench-spool-')),
  ...Object.fromEntries(
    values['gateway-env']
      .split(' ')
      .filter(Boolean)
      .map((pair) => {
        const at = pair.indexOf('=');
        if (at < 1) throw new Error(`--gateway-env ${pair}: settings are NAME=value, separated by spaces`);
        return [pair.slice(0, at), pair.slice(at + 1)];
      }),
  ),
};
const profileArgs = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${resultsDir}/profile-${stamp}`] : [];
// The gateway as the image runs it: compiled to JavaScript (docker/compile.ts), unless --typescript.
const compiledDir = path.join(projectRoot, '.scratch', 'bench-compiled');
if (!values.typescript) compileTree(projectRoot, compiledDir);
const gatewayMain = values.typescript ? path.join(projectRoot, 'gateway', 'main.ts') : path.join(compiledDir, 'gateway', 'main.js');
log(`gateway: ${path.relative(projectRoot, gatewayMain)}`);
const gatewayChild = spawn(process.execPath, [...values['node-args'].split(' ').filter(Boolean), ...profileArgs, gatewayMain], {
  env: { ...process.env, ...env, ...gatewayEnv, PORT: '18199' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const gatewayPort = 18199;
for (let i = 0; ; i++) {
  const ready = await fetch(`http://127.0.0.1:${gatewayPort}/readyz`).then(
    (r) => r.ok,
    () => false,
  );
  if (ready) break;
  if (i > 240) throw new Error('the gateway did not become ready');
  await new Promise((resolve) => setTimeout(resolve, 250));
}
log(`gateway: ${connections} connections, ${seconds} s`);
await load(gatewayPort, { duration: 2 }); // warm-up: JIT, producer, topic metadata
const gateway = await load(gatewayPort, { duration: seconds, pid: gatewayChild.pid!, gateway: true });
let gatewayWrk: LoadResult | undefined;
if (values.wrk) {
  log(`gateway from wrk: ${connections} connections, ${seconds} s`);
  gatewayWrk = await load(gatewayPort, { duration: seconds, pid: gatewayChild.pid!, gateway: true, generator: 'wrk' });
}
// Below the maximum: evenly paced at these shares of it (50% is the one the targets name).
const shares = values.curve.split(',').map(Number);
if (!shares.includes(50) || shares.some((p) => !(p > 0 && p < 100))) throw new Error(`--curve ${values.curve}: percentages between 0 and 100, 50 among them`);
const curve: (LoadResult & { percent: number; rate: number })[] = [];
for (const percent of shares.sort((a, b) => a - b)) {
  const rate = Math.max(1, Math.round((gateway.requestsPerSecond * percent) / 100));
  log(`gateway at ${percent}% of its maximum: ${rate} requests/s, ${seconds} s`);
  curve.push({ percent, rate, ...(await load(gatewayPort, { duration: seconds, rate, pid: gatewayChild.pid!, gateway: true })) });
}
const gatewayHalf = curve.find((c) => c.percent === 50)!;
const halfRate = gatewayHalf.rate;
let vegetaHalf: LoadResult | undefined;
if (values.vegeta) {
  log(`gateway at 50% from vegeta: ${halfRate} requests/s, ${seconds} s`);
  vegetaHalf = await load(gatewayPort, { duration: seconds, rate: halfRate, pid: gatewayChild.pid!, gateway: true, generator: 'vegeta' });
}
// The floor: the same paced load, at the same rate, against the bare Koa app. What remains of the
// gateway's tail above it is the gateway's; what the floor shows is the generator and the machine.
let floorHalf: LoadResult | undefined;
if (ceilings || values.floor) {
  log(`floor: bare Koa at the gateway's 50% rate, ${halfRate} requests/s, ${seconds} s`);
  floorHalf = await bareKoa({ rate: halfRate });
}
let soak: LoadResult | undefined;
if (values.soak) {
  log(`soak: ${halfRate} requests/s for ${values.soak} s`);
  soak = await load(gatewayPort, { duration: Number(values.soak), rate: halfRate, pid: gatewayChild.pid!, gateway: true, quarters: true });
}
// 4. The spool (--spool): everything spooled while Kafka is paused, then drained.
let spooling: LoadResult | undefined;
let drainSeconds: number | undefined;
let spoolDisabled: LoadResult | undefined;
if (values.spool) {
  if (!kafkaPid) throw new Error("--spool pauses the local stack's Kafka: it must be running from this checkout");
  log(`spool: Kafka paused (SIGSTOP), the gateway at full speed into its spool, ${seconds} s`);
  process.kill(kafkaPid, 'SIGSTOP');
  try {
    await load(gatewayPort, { duration: 2 }); // the first events wait SPOOL_AFTER_MS; then everything goes to the spool
    spooling = await load(gatewayPort, { duration: seconds, pid: gatewayChild.pid!, gateway: true });
  } finally {
    process.kill(kafkaPid, 'SIGCONT');
  }
  const drainStarted = performance.now();
  const spooled = async () => Number(/^gateway_spool_events (\S+)$/m.exec(await (await fetch(`http://127.0.0.1:${gatewayPort}/metrics`)).text())?.[1] ?? 0);
  while ((await spooled()) > 0) await new Promise((resolve) => setTimeout(resolve, 250));
  drainSeconds = Math.round((performance.now() - drainStarted) / 100) / 10;
  log(`spool: drained ${spooling.requests} events in ${drainSeconds} s`);
}
await stopChild(gatewayChild);
if (values.spool) {
  const strict = spawn(process.execPath, [gatewayMain], {
    env: { ...process.env, ...env, ...gatewayEnv, PORT: '18198', SPOOL_ENABLED: 'false' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (
    let i = 0;
    !(await fetch('http://127.0.0.1:18198/readyz').then(
      (r) => r.ok,
      () => false,
    ));
    i++
  ) {
    if (i > 240) throw new Error('the gateway with SPOOL_ENABLED=false did not become ready');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  log(`gateway with SPOOL_ENABLED=false: ${connections} connections, ${seconds} s`);
  await load(18198, { duration: 2 });
  spoolDisabled = await load(18198, { duration: seconds, pid: strict.pid!, gateway: true });
  await stopChild(strict);
}

// 2. Kafka ceiling: as many records as the gateway took at full speed.
if (ceilings) log(`Kafka ceiling: ${gateway.requests} pre-encoded records in batches of 500, acks=-1`);
const kafkaCeiling = !ceilings
  ? undefined
  : await new Promise<Record<string, unknown>>((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(projectRoot, 'bench', 'kafka-ceiling.ts'), '--records', String(gateway.requests), '--prefix', prefix], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d));
      child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Record<string, unknown>) : reject(new Error(`kafka-ceiling exited ${code}`))));
    });

let profileTop: { fn: string; percent: number }[] | undefined;
if (values.profile) {
  const dir = `${resultsDir}/profile-${stamp}`;
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (file) {
    const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as {
      nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
      samples: number[];
      timeDeltas: number[];
    };
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const self = new Map<string, number>();
    let total = 0;
    profile.samples.forEach((id, i) => {
      const node = byId.get(id)!;
      const name = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.split('/').slice(-2).join('/')}:${node.callFrame.lineNumber + 1}`;
      if (node.callFrame.functionName === '(idle)') return;
      self.set(name, (self.get(name) ?? 0) + profile.timeDeltas[i]!);
      total += profile.timeDeltas[i]!;
    });
    profileTop = [...self]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([fn, t]) => ({ fn, percent: Math.round((t / total) * 1000) / 10 }));
  }
}

const results = {
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  connections,
  seconds,
  gatewayWorkers: Number(values.workers),
  ...(values['gateway-env'] ? { gatewayEnv: values['gateway-env'] } : {}),
  ...(values['node-args'] ? { nodeArgs: values['node-args'] } : {}),
  gatewayRuns: values.typescript ? 'typescript' : 'compiled',
  ...(httpCeiling ? { httpCeiling } : {}),
  ...(kafkaCeiling ? { kafkaCeiling } : {}),
  gateway,
  gatewayAtHalfRate: gatewayHalf,
  belowMaximum: curve,
  ...(vegetaHalf ? { vegetaAtHalfRate: vegetaHalf } : {}),
  ...(floorHalf ? { floorAtHalfRate: floorHalf } : {}),
  ...(soak ? { soak: { rate: halfRate, ...soak } } : {}),
  ...(httpCeiling ? { gatewayShareOfHttpCeiling: Math.round((gateway.requestsPerSecond / httpCeiling.requestsPerSecond) * 100) / 100 } : {}),
  ...(httpCeilingWrk ? { httpCeilingWrk } : {}),
  ...(gatewayWrk ? { gatewayWrk } : {}),
  ...(httpCeilingWrk && gatewayWrk
    ? { gatewayShareOfHttpCeilingWrk: Math.round((gatewayWrk.requestsPerSecond / httpCeilingWrk.requestsPerSecond) * 100) / 100 }
    : {}),
  ...(profileTop ? { profileTop } : {}),
  ...(spooling ? { spooling, drainSeconds, spoolingShareOfNormal: Math.round((spooling.requestsPerSecond / gateway.requestsPerSecond) * 100) / 100 } : {}),
  ...(spoolDisabled ? { spoolDisabled } : {}),
};
const row = (name: string, r: LoadResult) =>
  `| ${name} | ${r.requestsPerSecond} | ${r.latencyMs.p50} | ${r.latencyMs.p99} | ${r.latencyMs.p99_9} | ${r.latencyMs.max} | ${r.serverAckMs ? `≤ ${r.serverAckMs.p99AtMost} / ≤ ${r.serverAckMs.p99_9AtMost}` : ''} | ${r.eventsPerBatch ?? ''} | ${r.errors}${
    r.errorCodes
      ? ` (${Object.entries(r.errorCodes)
          .map(([code, count]) => `${code}: ${count}`)
          .join(', ')})`
      : ''
  } | ${r.non2xx} | ${r.maxConnections ?? ''} | ${r.cpuPercent ?? ''} | ${r.cpuMicrosPerRequest ?? ''} | ${r.peakRssMb ?? ''} | ${r.loadGeneratorCpuPercent ?? ''} | ${r.kafkaCpuPercent ?? ''} | ${r.machineCpuPercent ?? ''} |`;
const STAGE_NAMES: Record<Stage, string> = {
  ack: 'acknowledgement: request read → Kafka acknowledged',
  publishWait: 'queue wait: linger and the batch in flight',
  producerCall: 'producer call (sendBatch → acknowledged)',
  kafkajsRequestQueue: "Produce request in kafkajs's queue",
  produceRequest: 'Produce request round trip (broker + loopback)',
  gcMinor: 'GC pauses, young generation (scavenge)',
  gcMinorMarkSweep: 'GC pauses, young generation (minor mark-sweep)',
  gcMajor: 'GC pauses, major (mark-compact)',
  gcIncremental: 'GC pauses, incremental marking steps',
};
function breakdownTable(title: string, r: LoadResult): string[] {
  if (!r.breakdown) return [];
  const b = r.breakdown;
  const bound = (ms: number) => (ms === Infinity ? '> 1000' : String(ms));
  return [
    '',
    `${title}: each stage's histogram over the run (bucket bounds in ms; count, and total time spent)`,
    '',
    '| stage | count | p50 ≤ | p99 ≤ | p99.9 ≤ | max ≤ | total ms |',
    '|---|---|---|---|---|---|---|',
    ...(Object.keys(STAGE_NAMES) as Stage[]).map((stage) => {
      const s = b[stage];
      return `| ${STAGE_NAMES[stage]} | ${s.count} | ${s.count ? bound(s.p50AtMost) : ''} | ${s.count ? bound(s.p99AtMost) : ''} | ${s.count ? bound(s.p99_9AtMost) : ''} | ${s.count ? bound(s.maxAtMost) : ''} | ${s.totalMs} |`;
    }),
    '',
    `Event-loop delay (monitorEventLoopDelay): p50 ${b.eventLoopDelayMs['0.5']} ms, p99 ${b.eventLoopDelayMs['0.99']} ms, p99.9 ${b.eventLoopDelayMs['0.999']} ms, max ${b.eventLoopDelayMs['1']} ms.`,
    ...(r.allocatedKbPerRequest !== undefined
      ? [
          `Heap allocated per request, garbage included: ${r.allocatedKbPerRequest} KB (one young-generation collection every ${Math.round(b.gcMinor.count ? r.requests / b.gcMinor.count : 0)} requests).`,
        ]
      : []),
    ...(r.kafkaGcPauses
      ? [
          `The broker's GC pauses meanwhile (its GC log): ${r.kafkaGcPauses.count}, ${r.kafkaGcPauses.totalMs} ms in all, the longest ${r.kafkaGcPauses.maxMs} ms.`,
        ]
      : []),
    ...(r.memoryMbAtEnd
      ? [
          '',
          `Memory at the end (MB): ${Object.entries(r.memoryMbAtEnd)
            .map(([part, value]) => `${part} ${value}`)
            .join(', ')}.`,
        ]
      : []),
  ];
}
const kc = kafkaCeiling as { recordsPerSecond: number; batchLatencyMs: { p50: number; p99: number; p99_9: number } } | undefined;
const workersNote = results.gatewayWorkers > 1 ? ` (${results.gatewayWorkers} processes)` : '';
const markdown = [
  `Machine: ${results.machine.cpus} × ${results.machine.model}, ${results.machine.memoryGiB} GiB, Node ${results.machine.node}; ${connections} connections, ${seconds} s per run; load generator, gateway, Kafka and registry on the same machine. The gateway ran ${results.gatewayRuns === 'compiled' ? 'compiled to JavaScript, as the image runs it' : 'from its TypeScript sources'}${values['node-args'] ? `, with ${values['node-args']}` : ''}, in the image's environment (${imageEnv})${values['gateway-env'] ? ` and ${values['gateway-env']}` : ''}.`,
  '',
  `| run | req/s | p50 ms | p99 ms | p99.9 ms | max ms | gateway-side ack p99 / p99.9 ms | events per batch | no HTTP answer | non-2xx | connections (max) | CPU % | CPU µs/req | peak RSS MB | load generator CPU % | Kafka CPU % | machine CPU % (of ${os.cpus().length * 100}) |`,
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ...(httpCeiling ? [row('HTTP ceiling (bare Koa)', httpCeiling)] : []),
  ...(httpCeilingWrk ? [row('HTTP ceiling (bare Koa), wrk', httpCeilingWrk)] : []),
  ...(kc
    ? [
        `| Kafka ceiling (records/s; batch latency) | ${kc.recordsPerSecond} | ${kc.batchLatencyMs.p50} | ${kc.batchLatencyMs.p99} | ${kc.batchLatencyMs.p99_9} | | | ${(kafkaCeiling as { batch: number }).batch} | | | | | | | | | |`,
      ]
    : []),
  row(`gateway${workersNote}, full path, acks=-1`, gateway),
  ...(gatewayWrk ? [row(`gateway${workersNote}, full path, acks=-1, wrk`, gatewayWrk)] : []),
  ...curve.map((c) => row(`gateway${workersNote} at ${c.percent}% (${c.rate} req/s, paced)`, c)),
  ...(vegetaHalf ? [row(`gateway${workersNote} at 50% (${halfRate} req/s, vegeta; achieved ${vegetaHalf.achievedRate})`, vegetaHalf)] : []),
  ...(floorHalf ? [row(`floor: bare Koa at the gateway's 50% rate (${halfRate} req/s, paced)`, floorHalf)] : []),
  ...(soak ? [row(`soak at 50% for ${values.soak} s`, soak)] : []),
  ...(spooling ? [row('gateway while spooling (Kafka paused), full speed', spooling)] : []),
  ...(spoolDisabled ? [row('gateway with SPOOL_ENABLED=false, full speed', spoolDisabled)] : []),
  '',
  ...(spooling && results.spoolingShareOfNormal !== undefined
    ? [
        `While spooling the gateway took ${Math.round(results.spoolingShareOfNormal * 100)}% of its normal rate; the spool (${spooling.requests} events) drained in ${drainSeconds} s once Kafka resumed.`,
      ]
    : []),
  ...(spoolDisabled
    ? [
        `With the spool disabled: ${spoolDisabled.requestsPerSecond} req/s and ${spoolDisabled.cpuMicrosPerRequest} µs/req, against ${gateway.requestsPerSecond} and ${gateway.cpuMicrosPerRequest} with it enabled (Kafka healthy).`,
      ]
    : []),
  ...(gatewayHalf.generatorLoopDelayMs
    ? [
        `The paced generator's own event-loop delay at 50%: p99 ${gatewayHalf.generatorLoopDelayMs.p99} ms, p99.9 ${gatewayHalf.generatorLoopDelayMs.p99_9} ms, max ${gatewayHalf.generatorLoopDelayMs.max} ms (on its own thread; counted in its latencies).`,
      ]
    : []),
  ...(results.gatewayShareOfHttpCeiling !== undefined
    ? [`Gateway throughput = ${Math.round(results.gatewayShareOfHttpCeiling * 100)}% of the HTTP ceiling.`]
    : []),
  ...(results.gatewayShareOfHttpCeilingWrk !== undefined
    ? [
        `From wrk, the same ratio: ${Math.round(results.gatewayShareOfHttpCeilingWrk * 100)}% (${gatewayWrk!.requestsPerSecond} against ${httpCeilingWrk!.requestsPerSecond} req/s).`,
      ]
    : []),
  ...breakdownTable(`Where the time goes at 50% (${gatewayHalf.rate} req/s)`, gatewayHalf),
  ...(vegetaHalf ? breakdownTable('Where the time goes at 50% from vegeta', vegetaHalf) : []),
  ...(soak?.quarters
    ? [
        '',
        `Soak at ${halfRate} req/s for ${values.soak} s, by quarter (latency from each request's due time):`,
        '',
        '| quarter | p50 ms | p99 ms | p99.9 ms | max ms | no HTTP answer | gateway RSS MB at its end | peak RSS MB |',
        '|---|---|---|---|---|---|---|---|',
        ...soak.quarters.map((q, k) => `| ${k + 1} | ${q.p50} | ${q.p99} | ${q.p99_9} | ${q.max} | ${q.errors} | ${q.rssMbAtEnd} | ${q.peakRssMb} |`),
      ]
    : []),
  ...(soak ? breakdownTable(`Where the time goes in the soak`, soak) : []),
  ...(profileTop ? ['', 'Gateway CPU profile, top self time:', ...profileTop.slice(0, 5).map((p) => `- ${p.percent}% ${p.fn}`)] : []),
].join('\n');
writeFileSync(path.join(resultsDir, `${stamp}.json`), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(path.join(resultsDir, `${stamp}.md`), `${markdown}\n`);
writeFileSync(
  path.join(resultsDir, `${stamp}-latency.svg`),
  latencySvg([...curve, gateway], { title: `Gateway latency vs load (${results.machine.cpus} cores; rightmost: full speed, closed loop)`, targetMs: 20 }),
);
process.stdout.write(`${markdown}\n\nwritten: bench/results/${stamp}.json, .md, -latency.svg\n`);
