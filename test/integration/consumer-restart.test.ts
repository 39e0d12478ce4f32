// A sample consumer SIGKILLed mid-stream and started again: its output has every event once.
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

const EVENTS = 400;

describe('sample consumer killed mid-stream', () => {
  let gw: TestGateway;
  let child: ChildProcess | undefined;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'consumer-restart-'));
  const dbFile = path.join(dataDir, 'messages.sqlite');

  function startConsumer(): ChildProcess {
    return spawn(process.execPath, [path.join(projectRoot, 'consumers', 'main.ts'), 'messages'], {
      env: { ...process.env, ...consumerEnv(gw.config.topicPrefix, dataDir), LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
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

  it('SIGKILL after part of the stream, restart → every event in the feed exactly once', async () => {
    child = startConsumer();
    await post(0, EVENTS / 2);
    await waitFor(() => feedCount() >= 50, { timeoutMs: 60_000, what: 'the consumer to get going' });
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
    const atKill = feedCount();
    await post(EVENTS / 2, EVENTS);

    child = startConsumer();
    await waitFor(() => feedCount() >= EVENTS, { timeoutMs: 90_000, what: `${EVENTS} feed rows` });
    // Let it settle: anything redelivered after the restart must not add rows.
    await new Promise((resolve) => setTimeout(resolve, 2000));
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
