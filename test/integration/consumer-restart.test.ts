// A sample consumer SIGKILLed mid-stream and started again: its output has every event once.
// The killed member is given up by the group after its session timeout; the test runs the
// consumer with Kafka's shortest (6 s) so the restart does not wait out kafkajs's default 30 s,
// and every wait below fits inside the test's own limit.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../stack/settings.ts';
import { consumerEnv } from '../support/consumers.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { documented } from '../support/payloads.ts';
import { waitFor } from '../support/wait-for.ts';
import { testKafka } from '../support/stack-env.ts';
import { topicFor } from '../../schemas/catalog.ts';

const EVENTS = 400;
const SESSION_TIMEOUT_MS = 6_000;
/** Waits, in order: the first consumer gets going, then the restarted one catches up and commits. */
const START_WAIT_MS = 45_000;
const CATCH_UP_WAIT_MS = 60_000;
const TEST_LIMIT_MS = START_WAIT_MS + CATCH_UP_WAIT_MS + 30_000;

describe('sample consumer killed mid-stream', () => {
  let gw: TestGateway;
  let child: ChildProcess | undefined;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'consumer-restart-'));
  const dbFile = path.join(dataDir, 'messages.sqlite');

  /** What the consumer processes printed, shown when the test fails. */
  const output: string[] = [];
  function startConsumer(): ChildProcess {
    const proc = spawn(process.execPath, [path.join(projectRoot, 'consumers', 'main.ts'), 'messages'], {
      env: {
        ...process.env,
        ...consumerEnv(gw.config.topicPrefix, dataDir),
        LOG_LEVEL: 'warn',
        LOG_FORMAT: 'json',
        CONSUMER_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    proc.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    return proc;
  }

  function feedCount(): number {
    try {
      const db = new DatabaseSync(dbFile, { readOnly: true });
      try {
        return Number((db.prepare('SELECT count(*) AS n FROM feed').get() as { n: number }).n);
      } finally {
        db.close();
      }
    } catch {
      return 0; // not created yet
    }
  }

  async function post(from: number, to: number): Promise<void> {
    for (let i = from; i < to; i += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, to - i) }, async (_, k) => {
          const payload = documented('message_sent');
          (payload.data as { message: Record<string, unknown> }).message.id = `restart-${i + k}`;
          expect((await gw.post(payload)).status).toBe(200);
        }),
      );
    }
  }

  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await gw?.stop();
  });

  let lastOffsets = '';
  /** Whether the group has committed every record on the topic: nothing is left to redeliver. */
  async function allCommitted(): Promise<boolean> {
    const admin = testKafka('it-restart-offsets').admin();
    await admin.connect();
    try {
      const topic = topicFor('messages', gw.config.topicPrefix);
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId: consumerConfigGroup(), topics: [topic] });
      lastOffsets = JSON.stringify({ ends, committed });
      // A partition never consumed from has no committed offset (-1): done when it is empty.
      return ends.every((end) => {
        const offset = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
        return Number(offset === '-1' ? end.low : offset) >= Number(end.high);
      });
    } finally {
      await admin.disconnect();
    }
  }
  const consumerConfigGroup = () => `${gw.config.topicPrefix}.sample.messages`;

  it('SIGKILL after part of the stream, restart → every event in the feed exactly once', { timeout: TEST_LIMIT_MS }, async () => {
    child = startConsumer();
    await post(0, EVENTS / 2);
    await waitFor(() => feedCount() >= 50, { timeoutMs: START_WAIT_MS, what: 'the consumer to get going' });
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
    const atKill = feedCount();
    await post(EVENTS / 2, EVENTS);

    child = startConsumer();
    // Done when every record is committed: anything redelivered after the restart has been
    // applied (or skipped) by then, so the rows below are final.
    await waitFor(async () => feedCount() >= EVENTS && (await allCommitted()), {
      timeoutMs: CATCH_UP_WAIT_MS,
      intervalMs: 250,
      what: `${EVENTS} feed rows, all committed`,
    }).catch((err: Error) => {
      throw new Error(`${err.message} (${feedCount()} rows, offsets ${lastOffsets}); the consumer printed:\n${output.join('').slice(-4000)}`);
    });
    const db = new DatabaseSync(dbFile, { readOnly: true });
    const rows = db.prepare('SELECT message_id, count(*) AS n FROM feed GROUP BY message_id').all() as { message_id: string; n: number }[];
    db.close();
    expect(atKill).toBeLessThan(EVENTS);
    expect(rows).toHaveLength(EVENTS);
    expect(rows.every((r) => Number(r.n) === 1)).toBe(true);
    child.kill('SIGTERM');
    await new Promise((resolve) => child!.once('exit', resolve));
    console.log(`[consumer-restart] events=${EVENTS} processed-before-kill=${atKill} rows=${rows.length} duplicates=0`);
  });
});
