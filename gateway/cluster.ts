// Several gateway processes on one host (GATEWAY_WORKERS > 1), with Node's cluster module. The
// primary only supervises: it forks the workers, which share the listening socket (the primary
// hands each new connection to the next worker), starts another when one dies, answers the
// workers' /metrics requests with every worker's metrics summed, and on SIGTERM stops the
// workers and waits for them.
// Each worker is a whole gateway with its own producer. Its dedupe window is its own too: a
// redelivery that reaches another worker is published again (same event id, same key, same
// partition), and consumers apply each event id once.
import cluster, { type Worker } from 'node:cluster';
import client from 'prom-client';
import type { Logger } from '../common/logger.ts';

const METRICS_REQUEST = 'gateway:metrics-request';
const METRICS_RESPONSE = 'gateway:metrics-response';
/** How long a worker waits for the primary's summed metrics. */
const METRICS_TIMEOUT_MS = 5000;
/** Unexpected worker exits per worker within a minute before the primary gives up. */
const CRASH_BUDGET_PER_WORKER = 3;

interface MetricsRequest {
  readonly type: typeof METRICS_REQUEST;
  readonly id: number;
}
interface MetricsResponse {
  readonly type: typeof METRICS_RESPONSE;
  readonly id: number;
  readonly text?: string;
  readonly error?: string;
}

const isMessage = <T extends { type: string }>(message: unknown, type: T['type']): message is T =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;

/**
 * In the primary: forks `workers` gateway processes and supervises them until SIGTERM/SIGINT,
 * then exits 0 once every worker stopped cleanly (1 otherwise).
 */
export function runPrimary({ workers, logger, shutdownGraceMs }: { workers: number; logger: Logger; shutdownGraceMs: number }): void {
  const log = logger.child({ module: 'cluster' });
  const aggregator = new client.AggregatorRegistry();
  const unexpectedExits: number[] = [];
  let stopping = false;
  let exitCode = 0;

  // Each worker holds a slot (1…workers) for life, and its replacement takes the same one: state
  // a worker keeps on disk under its slot (its spool) is picked up by the next one.
  const slots = new Map<number, number>();
  const fork = (slot: number): void => {
    slots.set(cluster.fork({ GATEWAY_WORKER_SLOT: String(slot) }).id, slot);
  };

  const alive = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());

  cluster.on('message', (worker, message: unknown) => {
    if (!isMessage<MetricsRequest>(message, METRICS_REQUEST)) return;
    const reply = (answer: Omit<MetricsResponse, 'type' | 'id'>) => {
      if (worker.isConnected()) worker.send({ type: METRICS_RESPONSE, id: message.id, ...answer } satisfies MetricsResponse);
    };
    aggregator.clusterMetrics().then(
      (text) => reply({ text }),
      (err: unknown) => reply({ error: err instanceof Error ? err.message : String(err) }),
    );
  });

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (code !== 0) exitCode = 1;
      if (alive().length === 0) {
        log.info({ exitCode }, 'all workers stopped');
        process.exit(exitCode);
      }
      return;
    }
    const now = Date.now();
    unexpectedExits.push(now);
    while (unexpectedExits[0]! < now - 60_000) unexpectedExits.shift();
    if (unexpectedExits.length > workers * CRASH_BUDGET_PER_WORKER) {
      log.fatal(
        { worker: worker.id, code, signal, exitsInLastMinute: unexpectedExits.length },
        'workers keep exiting: stopping the gateway (their errors are logged above)',
      );
      stop(1);
      return;
    }
    const delayMs = Math.min(5000, 250 * unexpectedExits.length);
    log.error({ worker: worker.id, slot: slots.get(worker.id), code, signal, restartInMs: delayMs }, 'a worker exited unexpectedly; starting another');
    const slot = slots.get(worker.id) ?? 1;
    slots.delete(worker.id);
    setTimeout(() => {
      if (!stopping) fork(slot);
    }, delayMs);
  });

  function stop(code: number): void {
    stopping = true;
    exitCode = code;
    const running = alive();
    if (running.length === 0) process.exit(exitCode);
    for (const worker of running) worker.process.kill('SIGTERM');
    // Each worker bounds its own shutdown by SHUTDOWN_GRACE_MS; this only catches one that hangs.
    setTimeout(() => {
      log.error({ workers: alive().map((w) => w.id) }, 'workers did not stop in time; killing them');
      for (const worker of alive()) worker.process.kill('SIGKILL');
      process.exit(1);
    }, shutdownGraceMs + 15_000).unref();
  }

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      log.info({ signal, workers: alive().length }, 'shutting down the workers');
      stop(0);
    });
  }

  log.info({ workers }, 'starting gateway workers');
  for (let slot = 1; slot <= workers; slot++) fork(slot);
}

/**
 * In a worker: the /metrics text, asked of the primary, which sums all workers' registries.
 * Registers `registry` as the one this worker reports.
 */
export function clusterExposition(registry: client.Registry): () => Promise<string> {
  client.AggregatorRegistry.setRegistries([registry]);
  // Constructing one is what makes prom-client answer the primary's collection requests here.
  new client.AggregatorRegistry();
  const pending = new Map<number, { resolve(text: string): void; reject(err: Error): void; timer: NodeJS.Timeout }>();
  let nextId = 0;
  process.on('message', (message: unknown) => {
    if (!isMessage<MetricsResponse>(message, METRICS_RESPONSE)) return;
    const request = pending.get(message.id);
    if (!request) return;
    pending.delete(message.id);
    clearTimeout(request.timer);
    if (message.text !== undefined) request.resolve(message.text);
    else request.reject(new Error(`the cluster primary could not collect the workers' metrics: ${message.error}`));
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`the cluster primary did not answer for metrics within ${METRICS_TIMEOUT_MS} ms`));
      }, METRICS_TIMEOUT_MS);
      pending.set(id, { resolve, reject, timer });
      process.send!({ type: METRICS_REQUEST, id } satisfies MetricsRequest);
    });
}
