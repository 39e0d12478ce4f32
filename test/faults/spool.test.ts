// The spool under real faults, against a stack of its own and the real gateway process:
// Kafka down for a minute under steady load (every request 200 within 2 s, then everything in
// Kafka in each key's order), the gateway SIGKILLed with events in its spool, and a full spool.
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { topicFor } from '../../schemas/catalog.ts';
import { childPids } from '../../stack/processes.ts';
import { projectRoot } from '../../stack/settings.ts';
import { type DedicatedStack, startDedicatedStack } from '../support/dedicated-stack.ts';
import { basic, tempSpoolDir } from '../support/gateway.ts';
import { acknowledgedInKafka, createSender, type KafkaCopy, type Outcome, summarize } from '../support/load.ts';
import { uniqueName } from '../support/stack-env.ts';
import { waitFor } from '../support/wait-for.ts';

const PORT = 29_780;
const OUTAGE_MS = Number(process.env.SPOOL_OUTAGE_MS ?? 60_000);
const base = `http://127.0.0.1:${PORT}`;
const auth = basic('cometchat', 'spool-secret');

/** A metric's value from /metrics (0 when absent). */
async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

/** Each key's acknowledged events must appear in Kafka in the order they were sent (first copies). */
function orderProblems(outcomes: readonly Outcome[], copies: readonly KafkaCopy[]): string[] {
  const problems: string[] = [];
  const sentByKey = new Map<string, string[]>();
  for (const o of outcomes) if (o.status === 200) sentByKey.set(o.key, [...(sentByKey.get(o.key) ?? []), o.messageId]);
  for (const [key, sent] of sentByKey) {
    const wanted = new Set(sent);
    const firsts = [...new Set(copies.filter((c) => c.key === key && wanted.has(c.messageId)).map((c) => c.messageId))];
    if (firsts.join() !== sent.join())
      problems.push(`${key}: sent ${sent.length}, in Kafka ${firsts.length}, first difference at ${firsts.findIndex((id, i) => id !== sent[i])}`);
  }
  return problems;
}

describe('the spool under faults', () => {
  let stack: DedicatedStack;
  let gateway: ChildProcess | undefined;
  const output: string[] = [];

  function startGateway(env: Record<string, string>): ChildProcess {
    const proc = spawn(process.execPath, [path.join(projectRoot, 'gateway', 'main.ts')], {
      env: {
        ...process.env,
        ...stack.env,
        PORT: String(PORT),
        HOST: '127.0.0.1',
        WEBHOOK_USERNAME: 'cometchat',
        WEBHOOK_PASSWORD: 'spool-secret',
        TOPIC_PARTITIONS: '3',
        TOPIC_REPLICATION_FACTOR: '1',
        LOG_LEVEL: 'warn',
        LOG_FORMAT: 'json',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    proc.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    return proc;
  }
  const ready = () =>
    waitFor(
      async () =>
        (await fetch(`${base}/readyz`).then(
          (r) => r.ok,
          () => false,
        )) || undefined,
      { timeoutMs: 120_000, intervalMs: 200, what: 'the gateway ready' },
    );
  const drained = () =>
    waitFor(async () => (await metric('gateway_spool_events')) === 0 || undefined, { timeoutMs: 120_000, intervalMs: 500, what: 'the spool drained' });
  async function stopGateway(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (!gateway || gateway.exitCode !== null) return;
    const exited = new Promise((resolve) => gateway!.once('exit', resolve));
    gateway.kill(signal);
    await exited;
  }

  beforeAll(async () => {
    stack = await startDedicatedStack(29_692);
  });
  // A test that failed midway leaves no gateway (with its workers) on the port the next one uses,
  // and no Kafka stopped.
  afterEach(async () => {
    if (gateway && gateway.exitCode === null) {
      for (const pid of childPids(gateway.pid!)) process.kill(pid, 'SIGKILL');
      await stopGateway('SIGKILL');
    }
    await stack.restart(); // starts only what is down
  });
  afterAll(async () => {
    gateway?.kill('SIGKILL');
    await stack?.down();
  });

  it(`Kafka killed for ${OUTAGE_MS / 1000} s under steady load → every request 200 within 2 s, then every event in Kafka in each key's order`, {
    timeout: OUTAGE_MS + 300_000,
  }, async () => {
    const prefix = uniqueName('spool.outage');
    gateway = startGateway({ TOPIC_PREFIX: prefix, SPOOL_DIR: tempSpoolDir() });
    await ready();
    const sender = createSender(() => `${base}/webhooks/cometchat`, auth, 'outage');
    let stop = false;
    // Steady: 16 senders, each a request every 50 ms (about 320 a second).
    const loading = sender.load(16, () => stop, { keyPerSender: true, intervalMs: 50 });
    await sleep(3000);
    await stack.kill('kafka');
    const killedAt = Date.now();
    await sleep(OUTAGE_MS);
    await stack.restart();
    const downMs = Date.now() - killedAt;
    await drained();
    await sleep(3000);
    stop = true;
    const outcomes = await loading;
    const spooledBeforeStop = await metric('gateway_spool_events_total{action="spooled"}');
    const duplicatesCounted = await metric('gateway_spool_duplicates_total');
    await stopGateway();

    const { acknowledged, copies, missing } = await acknowledgedInKafka(stack.env.KAFKA_BROKERS, topicFor('messages', prefix), outcomes);
    const byId = Map.groupBy(copies, (c) => c.messageId);
    const duplicated = [...byId.values()].filter((list) => list.length > 1);
    const longest = Math.max(...outcomes.map((o) => o.ms));
    const answers = summarize(outcomes.map((o) => ({ ...o, status: o.status === 200 ? (o.answer === 'spooled' ? 2001 : 200) : o.status })));
    console.log(
      `[spool-outage] kafka down ${Math.round(downMs / 1000)} s; requests ${outcomes.length} (${JSON.stringify(answers)}; 2001 = 200 spooled); longest ${Math.round(longest)} ms; spooled ${spooledBeforeStop}; in Kafka ${acknowledged.size - missing.length}/${acknowledged.size}; duplicated ${duplicated.length}, counted ${duplicatesCounted}`,
    );
    expect(outcomes.filter((o) => o.status !== 200)).toEqual([]);
    expect(longest).toBeLessThan(2000);
    expect(outcomes.some((o) => o.answer === 'spooled')).toBe(true);
    expect(missing).toEqual([]);
    expect(orderProblems(outcomes, copies)).toEqual([]);
    // A duplicate is the same event twice: one event id for every copy.
    for (const list of duplicated) expect(new Set(list.map((c) => c.eventId)).size).toBe(1);
    expect(duplicated.length).toBe(duplicatesCounted);
  });

  it('the gateway SIGKILLed with events in its spool, started again while Kafka is still down, then Kafka back → every event it answered 200 reaches Kafka', {
    timeout: 300_000,
  }, async () => {
    const prefix = uniqueName('spool.crash');
    const spoolDir = tempSpoolDir();
    gateway = startGateway({ TOPIC_PREFIX: prefix, SPOOL_DIR: spoolDir });
    await ready();
    const sender = createSender(() => `${base}/webhooks/cometchat`, auth, 'crash');
    await stack.kill('kafka');
    const deadline = Date.now() + 5000;
    const outcomes = await sender.load(8, () => Date.now() > deadline, { keyPerSender: true });
    const inSpool = await metric('gateway_spool_events');
    await stopGateway('SIGKILL');

    gateway = startGateway({ TOPIC_PREFIX: prefix, SPOOL_DIR: spoolDir });
    // Not ready without Kafka; it drains once Kafka is back.
    await sleep(3000);
    await stack.restart();
    await ready();
    await drained();
    await stopGateway();

    const { acknowledged, copies, missing } = await acknowledgedInKafka(stack.env.KAFKA_BROKERS, topicFor('messages', prefix), outcomes);
    console.log(
      `[spool-crash] answered ${JSON.stringify(summarize(outcomes))}; in the spool at SIGKILL ${inSpool}; in Kafka after restart ${acknowledged.size - missing.length}/${acknowledged.size}`,
    );
    expect(inSpool).toBeGreaterThan(0);
    expect(acknowledged.size).toBeGreaterThan(0);
    expect(missing).toEqual([]);
    expect(orderProblems(outcomes, copies)).toEqual([]);
  });

  it('a spool at SPOOL_MAX_BYTES → 503 spool_unavailable, and every event answered 200 reaches Kafka', { timeout: 300_000 }, async () => {
    const prefix = uniqueName('spool.full');
    gateway = startGateway({ TOPIC_PREFIX: prefix, SPOOL_DIR: tempSpoolDir(), SPOOL_MAX_BYTES: String(1024 * 1024) });
    await ready();
    const sender = createSender(() => `${base}/webhooks/cometchat`, auth, 'full');
    await stack.kill('kafka');
    const outcomes: Outcome[] = [];
    // Until the spool (1 MiB, a few hundred events) has refused for a while.
    while (outcomes.filter((o) => o.status === 503).length < 50) outcomes.push(await sender.send());
    const refusedFull = await metric('gateway_spool_failures_total{reason="full"}');
    await stack.restart();
    await drained();
    await stopGateway();

    const { acknowledged, missing } = await acknowledgedInKafka(stack.env.KAFKA_BROKERS, topicFor('messages', prefix), outcomes);
    console.log(
      `[spool-full] answered ${JSON.stringify(summarize(outcomes))}; refused as full ${refusedFull}; in Kafka ${acknowledged.size - missing.length}/${acknowledged.size}`,
    );
    expect(outcomes.every((o) => o.status === 200 || o.status === 503)).toBe(true);
    expect(new Set(outcomes.filter((o) => o.status === 503).map((o) => o.answer))).toEqual(new Set(['spool_unavailable']));
    expect(refusedFull).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  });

  it('GATEWAY_WORKERS=2: a worker SIGKILLed with events in its spool → its replacement drains them once Kafka is back', { timeout: 300_000 }, async () => {
    const prefix = uniqueName('spool.workers');
    const spoolDir = tempSpoolDir();
    gateway = startGateway({ TOPIC_PREFIX: prefix, SPOOL_DIR: spoolDir, GATEWAY_WORKERS: '2' });
    // Both workers ready: new connections go to them in turn, so ten in a row answer for both.
    let inARow = 0;
    await waitFor(
      async () => {
        const ok = await fetch(`${base}/readyz`, { headers: { connection: 'close' } }).then(
          (r) => r.ok,
          () => false,
        );
        inARow = ok ? inARow + 1 : 0;
        return inARow >= 10 || undefined;
      },
      { timeoutMs: 120_000, intervalMs: 100, what: 'both workers ready' },
    );
    const sender = createSender(() => `${base}/webhooks/cometchat`, auth, 'workers');
    await stack.kill('kafka');
    const deadline = Date.now() + 5000;
    const outcomes = await sender.load(8, () => Date.now() > deadline, { keyPerSender: true });
    const files = () =>
      readdirSync(spoolDir)
        .filter((f) => f.endsWith('.sqlite'))
        .sort();
    const rows = (file: string) => {
      const db = new DatabaseSync(path.join(spoolDir, file), { readOnly: true });
      try {
        return Number((db.prepare('SELECT count(*) AS n FROM spool').get() as { n: number }).n);
      } finally {
        db.close();
      }
    };
    expect(files()).toEqual(['worker-1.sqlite', 'worker-2.sqlite']);
    const before = files().map(rows);
    const [victim] = childPids(gateway.pid!);
    process.kill(victim!, 'SIGKILL');
    // The primary starts a replacement in the same slot; it waits for Kafka, then drains.
    await waitFor(() => childPids(gateway!.pid!).some((pid) => pid !== victim) && childPids(gateway!.pid!).length === 2, {
      what: 'a replacement worker',
      timeoutMs: 30_000,
    });
    await stack.restart();
    await waitFor(() => files().every((f) => rows(f) === 0) || undefined, { timeoutMs: 120_000, intervalMs: 500, what: 'both spools drained' });
    await stopGateway();

    const { acknowledged, missing } = await acknowledgedInKafka(stack.env.KAFKA_BROKERS, topicFor('messages', prefix), outcomes);
    console.log(
      `[spool-workers] answered ${JSON.stringify(summarize(outcomes))}, codes ${JSON.stringify(summarize(outcomes.map((o) => ({ ...o, status: o.answer ?? o.status }) as unknown as Outcome)))}; spooled per worker ${before.join(' + ')}; in Kafka ${acknowledged.size - missing.length}/${acknowledged.size}`,
    );
    expect(outcomes.every((o) => o.status === 200)).toBe(true);
    expect(before.every((n) => n > 0)).toBe(true);
    expect(missing).toEqual([]);
    // No order check here: each worker keeps the order of what it received, and one sender's
    // requests reach both workers (docs/gateway.md says so).
  });
});
