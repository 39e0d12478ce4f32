// The paced generator on a thread of its own: the bench's main thread samples /proc, scrapes
// the gateway's /metrics and counts connections while a run goes on, and any pause there would
// be counted as the gateway's latency for the requests due meanwhile. Here only the generator
// runs on the event loop, and its own delay is measured too (a floor under what it can resolve).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { benchBody } from './mix.ts';
import { type OpenLoop, type PacedResult, paced } from './paced.ts';

export type ThreadLoad = Omit<OpenLoop, 'body' | 'onCounting'> & {
  connections: number;
  segments?: number;
  maxConnections?: number;
  /** Bodies are benchBody(firstBody + i, run, slots). */
  run: string;
  firstBody: number;
  slots: string[];
};

export interface ThreadResult extends PacedResult {
  /** The generator's own event-loop delay over the counted part, beyond the 5 ms sampling resolution. */
  readonly generatorLoopDelayMs: { p99: number; p99_9: number; max: number };
}

/** Runs `paced` on a worker thread; `onCounting` is called (on this thread) as counting starts. */
export function pacedOnThread(load: ThreadLoad, onCounting?: () => void): Promise<ThreadResult> {
  const worker = new Worker(new URL(import.meta.url), { workerData: load });
  return new Promise<ThreadResult>((resolve, reject) => {
    worker.on('message', (message: { counting?: true; result?: ThreadResult }) => {
      if (message.counting) onCounting?.();
      if (message.result) resolve(message.result);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the paced generator's thread exited with ${code} before its result`)));
  });
}

if (parentPort && workerData) {
  const { run, firstBody, slots, ...load } = workerData as ThreadLoad;
  const loop = monitorEventLoopDelay({ resolution: 5 });
  const result = await paced({
    ...load,
    body: (i) => benchBody(firstBody + i, run, slots),
    onCounting: () => {
      loop.enable();
      parentPort?.postMessage({ counting: true });
    },
  });
  loop.disable();
  const ms = (ns: number) => Math.round(Math.max(0, ns / 1e6 - 5) * 10) / 10;
  parentPort.postMessage({
    result: { ...result, generatorLoopDelayMs: { p99: ms(loop.percentile(99)), p99_9: ms(loop.percentile(99.9)), max: ms(loop.max) } },
  });
}
