// The gateway process stopped under load. SIGTERM: every request is answered 200 (and in Kafka)
// or refused explicitly (503, or a connection the stopping server no longer accepts).
// SIGKILL: no event answered 200 is missing from Kafka.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topicFor } from '../../schemas/catalog.ts';
import { projectRoot } from '../../stack/settings.ts';
import { basic, tempSpoolDir } from '../support/gateway.ts';
import { startDedicatedStack, type DedicatedStack } from '../support/dedicated-stack.ts';
import { createSender, missingFromKafka, summarize, type Outcome } from '../support/load.ts';
import { waitFor } from '../support/wait-for.ts';

const PORT = 29_480;

describe('gateway stopped under load', () => {
  let stack: DedicatedStack;
  let child: ChildProcess | undefined;
  const url = `http://127.0.0.1:${PORT}/webhooks/cometchat`;

  async function startGateway(): Promise<ChildProcess> {
    const proc = spawn(process.execPath, [path.join(projectRoot, 'gateway', 'main.ts')], {
      env: {
        ...process.env,
        ...stack.env,
        PORT: String(PORT),
        HOST: '127.0.0.1',
        WEBHOOK_USERNAME: 'cometchat',
        WEBHOOK_PASSWORD: 'stop-secret',
        SPOOL_DIR: tempSpoolDir(),
        TOPIC_PARTITIONS: '3',
        TOPIC_REPLICATION_FACTOR: '1',
        LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
    });
    await waitFor(
      async () =>
        (await fetch(`http://127.0.0.1:${PORT}/readyz`).then(
          (r) => r.ok,
          () => false,
        )) || undefined,
      { timeoutMs: 60_000, intervalMs: 200, what: 'the gateway ready' },
    );
    return proc;
  }

  beforeAll(async () => {
    stack = await startDedicatedStack(29_392);
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await stack?.down();
  });

  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    it(`${signal} under load → every 200 is in Kafka; ${signal === 'SIGTERM' ? 'the rest refused explicitly, exit 0' : 'nothing acknowledged is lost'}`, async () => {
      child = await startGateway();
      const sender = createSender(() => url, basic('cometchat', 'stop-secret'), `stop-${signal}`);
      let stop = false;
      const loading = sender.load(16, () => stop);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
      child.kill(signal);
      const code = await exited;
      // Keep sending a moment after the process is gone: those must fail at connection level.
      await new Promise((resolve) => setTimeout(resolve, 300));
      stop = true;
      const outcomes: Outcome[] = await loading;
      const summary = summarize(outcomes);
      const acknowledged = new Set(outcomes.filter((o) => o.status === 200).map((o) => o.messageId));
      expect(acknowledged.size).toBeGreaterThan(50);
      // Only 200, 503, or no connection at all: no 500, no other status.
      for (const key of Object.keys(summary)) expect(['200', '503', 'network:ECONNREFUSED', 'network:ECONNRESET', 'network:UND_ERR_SOCKET']).toContain(key);
      if (signal === 'SIGTERM') expect(code).toBe(0);
      expect(await missingFromKafka(stack.env.KAFKA_BROKERS, topicFor('messages'), acknowledged)).toEqual([]);
      console.log(
        `[gateway-${signal}] sent=${outcomes.length} outcomes=${JSON.stringify(summary)} acknowledged=${acknowledged.size} all-found=true exit=${code}`,
      );
    });
  }
});
