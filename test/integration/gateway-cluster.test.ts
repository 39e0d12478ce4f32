// GATEWAY_WORKERS=2: `npm start` as a cluster — a primary and two gateway workers on one port.
// Every event is acknowledged and in Kafka whichever worker took it, /metrics counts all
// workers' events, a killed worker is replaced while the other keeps serving, and SIGTERM stops
// the workers and exits 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topicFor } from '../../schemas/catalog.ts';
import { childPids } from '../../stack/processes.ts';
import { projectRoot } from '../../stack/settings.ts';
import { basic, tempSpoolDir } from '../support/gateway.ts';
import { createSender, missingFromKafka, summarize } from '../support/load.ts';
import { auditedLogFile } from '../support/log-audit.ts';
import { stackEnv, uniqueName } from '../support/stack-env.ts';
import { waitFor } from '../support/wait-for.ts';

interface LogLine {
  msg?: string;
  worker?: number;
  port?: number;
  module?: string;
}

describe('gateway cluster (GATEWAY_WORKERS=2)', () => {
  const password = `cluster-${Math.random().toString(36).slice(2)}`;
  const prefix = uniqueName('it-cluster');
  const lines: LogLine[] = [];
  let primary: ChildProcess;
  let base: string;
  const auth = basic('cometchat', password);

  const count = (msg: string) => lines.filter((l) => l.msg === msg).length;

  beforeAll(async () => {
    const logFile = auditedLogFile(prefix, [password, `cometchat:${password}`]);
    primary = spawn(process.execPath, [path.join(projectRoot, 'gateway', 'main.ts')], {
      env: {
        ...process.env,
        ...stackEnv(),
        GATEWAY_WORKERS: '2',
        SPOOL_DIR: tempSpoolDir(),
        PORT: '0',
        HOST: '127.0.0.1',
        WEBHOOK_USERNAME: 'cometchat',
        WEBHOOK_PASSWORD: password,
        TOPIC_PREFIX: prefix,
        TOPIC_PARTITIONS: '3',
        TOPIC_REPLICATION_FACTOR: '1',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    createInterface({ input: primary.stdout! }).on('line', (line) => {
      if (logFile) appendFileSync(logFile, `${line}\n`);
      try {
        lines.push(JSON.parse(line) as LogLine);
      } catch {
        /* not a log line */
      }
    });
    await waitFor(() => count('ready') >= 2, { timeoutMs: 60_000, what: 'both workers ready' });
    // Port 0: the workers share the one port the primary's handle got.
    const ports = new Set(lines.filter((l) => l.msg === 'listening').map((l) => l.port));
    expect(ports.size).toBe(1);
    base = `http://127.0.0.1:${[...ports][0]}`;
  }, 90_000);

  afterAll(() => {
    if (primary?.exitCode === null) primary.kill('SIGKILL');
  });

  it('events over many connections → all 200, all in Kafka, and /metrics counts every worker’s', async () => {
    expect(new Set(lines.filter((l) => l.msg === 'ready').map((l) => l.worker))).toEqual(new Set([1, 2]));
    const sender = createSender(() => `${base}/webhooks/cometchat`, auth, `${prefix}-a`);
    let sent = 0;
    const outcomes = await sender.load(12, () => sent++ >= 240);
    expect(summarize(outcomes)).toEqual({ '200': outcomes.length });
    const acknowledged = new Set(outcomes.map((o) => o.messageId));
    expect(await missingFromKafka(stackEnv().KAFKA_BROKERS, topicFor('messages', prefix), acknowledged)).toEqual([]);

    const metrics = await (await fetch(`${base}/metrics`)).text();
    const published = /^gateway_events_total\{trigger="message_sent",outcome="published"\} (\d+)$/m.exec(metrics);
    expect(Number(published?.[1])).toBe(outcomes.length);
    // Both workers' processes are in the sum of the process metrics.
    expect(metrics).toMatch(/^gateway_process_resident_memory_bytes \d+/m);
  });

  it('a worker killed → the primary starts another; requests keep being answered 200 meanwhile', async () => {
    const workers = childPids(primary.pid!);
    expect(workers).toHaveLength(2);
    const readyBefore = count('ready');
    process.kill(workers[0]!, 'SIGKILL');
    const sender = createSender(() => `${base}/webhooks/cometchat`, auth, `${prefix}-b`);
    // The connection the dead worker held fails at the network level, and so does each new one
    // the primary hands it before it has seen the exit: a few, never an HTTP error.
    const outcomes = [];
    for (let i = 0; i < 40; i++) outcomes.push(await sender.send());
    const failed = outcomes.filter((o) => o.status !== 200);
    expect(failed.every((o) => o.status === 0)).toBe(true);
    expect(failed.length).toBeLessThanOrEqual(5);
    await waitFor(() => count('ready') > readyBefore, { timeoutMs: 60_000, what: 'a replacement worker ready' });
    expect(lines.some((l) => l.msg === 'a worker exited unexpectedly; starting another')).toBe(true);
    const now = childPids(primary.pid!);
    expect(now).toHaveLength(2);
    expect(now).not.toContain(workers[0]);
  }, 90_000);

  it('SIGTERM to the primary → the workers stop, the primary exits 0', async () => {
    const workers = childPids(primary.pid!);
    const exited = new Promise<number | null>((resolve) => primary.once('exit', (code) => resolve(code)));
    primary.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
    expect(count('stopped')).toBeGreaterThanOrEqual(2);
  }, 60_000);
});
