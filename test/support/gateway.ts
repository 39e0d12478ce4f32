// A real gateway for a test: its own topic prefix, port 0, the test stack's Kafka and registry,
// logs captured in memory (so a test can search them for secrets).
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { connectionSecrets } from '../../common/connections.ts';
import { auditedLogFile } from './log-audit.ts';
import type { Admin } from 'kafkajs';
import { loadConfig, type GatewayConfig } from '../../gateway/config.ts';
import { createGateway, type Gateway } from '../../gateway/gateway.ts';
import { gatewayTopics } from '../../gateway/ingest/topics.ts';
import { createLogger } from '../../common/logger.ts';
import { createMetrics } from '../../gateway/metrics.ts';
import { createClients } from '../../gateway/clients.ts';
import { openSpool, spoolFile } from '../../gateway/spool/store.ts';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../../common/logger.ts';
import type { Contract } from '../../schemas/contract.ts';
import { contract } from './contract.ts';
import { stackEnv, testKafka, uniqueName } from './stack-env.ts';
import { readyWithin } from './wait-for.ts';

/** A test gateway starts in a second or two; one that is not ready by then fails with its reason. */
const READY_WITHIN_MS = 60_000;

export interface TestGateway {
  readonly url: string;
  readonly config: GatewayConfig;
  readonly gateway: Gateway;
  readonly topics: string[];
  readonly username: string;
  readonly password: string;
  readonly logs: string[];
  post(body: string | object, options?: { auth?: string | null; contentType?: string | null; headers?: Record<string, string> }): Promise<Response>;
  /** Messages on each of the gateway's topics (high watermark sums). */
  counts(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/** A gateway with real clients of the test stack, as main.ts builds one; its spool (unless disabled) in a directory of its own. */
export function buildTestGateway(
  config: GatewayConfig,
  logger: Logger,
  { spoolDir = tempSpoolDir(), contract: ownContract = contract() }: { spoolDir?: string; contract?: Contract } = {},
): Gateway {
  const spool = config.spool ? openSpool({ file: spoolFile(spoolDir), maxBytes: config.spool.maxBytes }) : undefined;
  return createGateway({
    config,
    clients: createClients(config, { logger }),
    spool,
    logger,
    contract: ownContract,
    metrics: createMetrics({ collectDefault: false }),
  });
}

/** A spool directory of a test's own. */
export function tempSpoolDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'spool-'));
}

export async function startTestGateway(
  overrides: Record<string, string> = {},
  { waitReady = true, protocol = 'http', contract: ownContract }: { waitReady?: boolean; protocol?: string; contract?: Contract } = {},
): Promise<TestGateway> {
  const username = 'cometchat';
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const { KAFKA_BROKERS, SCHEMA_REGISTRY_URL } = stackEnv();
  const config = loadConfig({
    KAFKA_BROKERS,
    SCHEMA_REGISTRY_URL,
    HOST: '127.0.0.1',
    PORT: '0',
    WEBHOOK_USERNAME: username,
    WEBHOOK_PASSWORD: password,
    TOPIC_PREFIX: uniqueName('it.gw'),
    TOPIC_PARTITIONS: '3',
    TOPIC_REPLICATION_FACTOR: '1',
    LOG_LEVEL: 'debug',
    ...overrides,
  });
  const logs: string[] = [];
  const secrets = [
    password,
    ...JSON.parse(overrides.WEBHOOK_EXTRA_CREDENTIALS ?? '[]').map((c: { password: string }) => c.password),
    // Kafka's SASL password, the registry's secret: wherever they came from (a variable or a file).
    ...connectionSecrets(config.connections),
  ];
  const logFile = auditedLogFile(config.topicPrefix, [...secrets, `${username}:${password}`]);
  const destination = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      if (logFile) appendFileSync(logFile, chunk as Buffer);
      done();
    },
  });
  const gateway = buildTestGateway(config, createLogger({ level: config.logLevel, destination }), ownContract ? { contract: ownContract } : {});
  const port = await gateway.start();
  if (waitReady)
    await readyWithin(gateway, READY_WITHIN_MS).catch(async (err: unknown) => {
      await gateway.stop();
      throw err;
    });
  const url = `${protocol}://127.0.0.1:${port}${config.webhookPath}`;
  const topics = gatewayTopics(config);
  let admin: Admin | undefined;

  return {
    url,
    config,
    gateway,
    topics,
    username,
    password,
    logs,
    post(body, { auth = basic(username, password), contentType = 'application/json', headers = {} } = {}) {
      return fetch(url, {
        method: 'POST',
        headers: { ...(auth === null ? {} : { authorization: auth }), ...(contentType === null ? {} : { 'content-type': contentType }), ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    },
    async counts() {
      if (!admin) {
        admin = testKafka('it-gw-counts').admin();
        await admin.connect();
      }
      const out: Record<string, number> = {};
      for (const topic of topics) out[topic] = (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
      return out;
    },
    async stop() {
      await gateway.stop();
      await admin?.disconnect();
    },
  };
}
