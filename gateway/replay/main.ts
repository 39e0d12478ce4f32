// npm run replay — moves what the gateway could not place (the unrouted and dead-letter topics)
// to the category topics, through the current catalogue. See --help.
import { randomBytes } from 'node:crypto';
import kafkajs from 'kafkajs';
import { parseCli } from '../../common/cli-args.ts';
import { ConfigError, envReader } from '../../common/config-reader.ts';
import { kafkaClientConfig, readConnections } from '../../common/connections.ts';
import { kafkaLogCreator } from '../../common/kafka-log.ts';
import { createLogger } from '../../common/logger.ts';
import { DEFAULT_TOPIC_PREFIX } from '../../schemas/catalog.ts';
import { loadContract } from '../../schemas/contract.ts';
import { createRegistryClient } from '../../schemas/registry.ts';
import { createRouter } from '../ingest/route.ts';
import { resolveSchemaIds } from '../ingest/schema-ids.ts';
import { ensureTopics, gatewayTopics } from '../ingest/topics.ts';
import { replay, type ReplaySummary } from './replay.ts';

const { Kafka, logLevel, Partitioners } = kafkajs;

const USAGE = `usage: npm run replay -- [options]

Reads the gateway's unrouted topic (<prefix>.unrouted: triggers the catalogue did not know) and
dead-letter topic (<prefix>.dlq: events it could not convert) and sends each record through the
current catalogue: what converts now goes to its category topic with the event id, key and
CloudEvents headers it would have had, plus a header replayed_from=<topic>/<partition>/<offset>;
what still cannot stays where it is, counted by reason. Reads each partition up to where it
ended when the replay started.

Progress is the consumer group's committed offsets, committed after Kafka acknowledged what was
moved: interrupting and running again continues where it stopped, and running twice moves
nothing new. A record moved twice (after a kill) has the same event id both times.

  --source unrouted|dlq|both   which side topics to read (default both)
  --trigger T[,T…]             only these triggers (others are skipped, their offsets committed)
  --since TIME, --until TIME   only events received in [since, until) (ISO 8601 or epoch ms)
  --dry-run                    count what would happen; move and commit nothing
  --group G                    the consumer group keeping progress (default <prefix>.replay,
                               or <prefix>.replay.<triggers> with --trigger)
  --from-beginning             start the group over (records moved before are moved again,
                               with the same event ids)
  --rate N                     at most N records a second (default: no limit)
  --batch N                    records sent and committed together (default 500)
  -h, --help                   this text

Environment: the gateway's connection settings (KAFKA_BROKERS, SCHEMA_REGISTRY_URL, TLS, SASL;
.stack/env when present), TOPIC_PREFIX, UNROUTED_TOPIC, DLQ_TOPIC, SCHEMA_AUTO_REGISTER.
Exit status: 0 when done (whatever was left), 1 on an error, 2 on bad options or settings.
`;

const { values } = parseCli(USAGE, {
  source: { type: 'string', default: 'both' },
  trigger: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  group: { type: 'string' },
  'from-beginning': { type: 'boolean', default: false },
  rate: { type: 'string', default: '0' },
  batch: { type: 'string', default: '500' },
});

const read = envReader(process.env);
const connections = readConnections(read, { clientId: 'cometchat-replay' });
const prefix = read.text('TOPIC_PREFIX', DEFAULT_TOPIC_PREFIX);
const unroutedTopic = read.text('UNROUTED_TOPIC', `${prefix}.unrouted`);
const dlqTopic = read.text('DLQ_TOPIC', `${prefix}.dlq`);
const autoRegister = read.bool('SCHEMA_AUTO_REGISTER', true);
const time = (option: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (Number.isNaN(ms)) read.problems.push(`--${option} ${text} is not a time: use ISO 8601 (2026-11-30T12:00:00Z) or epoch milliseconds`);
  return ms;
};
const since = time('since', values.since);
const until = time('until', values.until);
const sources = { unrouted: [unroutedTopic], dlq: [dlqTopic], both: [unroutedTopic, dlqTopic] }[values.source];
if (!sources) read.problems.push(`--source ${values.source} must be unrouted, dlq or both`);
const rate = Number(values.rate);
const chunkSize = Number(values.batch);
if (!Number.isInteger(rate) || rate < 0) read.problems.push(`--rate ${values.rate} must be a whole number ≥ 0`);
if (!Number.isInteger(chunkSize) || chunkSize < 1) read.problems.push(`--batch ${values.batch} must be a whole number ≥ 1`);
const triggers = values.trigger
  ? new Set(
      values.trigger
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    )
  : undefined;
try {
  read.done('replay settings');
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\n\n${USAGE}`);
  process.exit(2);
}

const dryRun = values['dry-run'];
// A dry run keeps no progress: a group of its own, removed afterwards.
const groupId = dryRun
  ? `${prefix}.replay.dry-run.${randomBytes(4).toString('hex')}`
  : (values.group ?? (triggers ? `${prefix}.replay.${[...triggers].sort().join('.')}` : `${prefix}.replay`));
const logger = createLogger({ level: process.env.LOG_LEVEL || 'warn', service: 'cometchat-replay', format: 'json' });
const kafka = new Kafka({ ...kafkaClientConfig(connections.kafka), logLevel: logLevel.WARN, logCreator: kafkaLogCreator(logger) });
const admin = kafka.admin();
const producer = kafka.producer({
  idempotent: true,
  maxInFlightRequests: 1,
  createPartitioner: Partitioners.DefaultPartitioner,
  allowAutoTopicCreation: false,
});
// A replay that was killed leaves a member behind; the next run waits out its session: keep it short.
const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1000 });
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupted = true;
    process.stderr.write(`replay: ${signal}: stopping after the batch in hand (progress is kept)\n`);
  });
}

const line = (s: Readonly<ReplaySummary>): string =>
  `read ${s.read}, ${dryRun ? 'would move' : 'moved'} ${s.moved}, left ${Object.values(s.left).reduce((a, b) => a + b, 0)}, skipped ${s.skipped}`;

try {
  await Promise.all([admin.connect(), producer.connect(), consumer.connect()]);
  const contract = loadContract();
  const registry = createRegistryClient(connections.registry);
  const schemaIds = await resolveSchemaIds({ contract, registry, topicPrefix: prefix, autoRegister });
  if (!dryRun) await ensureTopics(admin, gatewayTopics({ topicPrefix: prefix, unroutedTopic, dlqTopic }), { partitions: -1, replicationFactor: -1 });
  if (values['from-beginning'] && !dryRun) {
    for (const topic of sources!) await admin.resetOffsets({ groupId, topic, earliest: true });
  }
  const router = createRouter({ contract, schemaIds, topicPrefix: prefix, unroutedTopic, dlqTopic, schemaRegistryUrl: connections.registry.url });
  process.stdout.write(`replay: ${sources!.join(' and ')} → category topics under ${prefix}${dryRun ? ' (dry run)' : ''}, group ${groupId}\n`);
  let shown = 0;
  const summary = await replay({
    consumer,
    producer,
    admin,
    router,
    groupId,
    options: { sources: sources!, triggers, since, until, dryRun, ratePerSecond: rate, chunkSize },
    stopped: () => interrupted,
    onProgress: (s) => {
      if (Date.now() - shown < 1000) return;
      shown = Date.now();
      process.stdout.write(`replay: ${line(s)}\n`);
    },
  });
  process.stdout.write(`replay: ${interrupted ? 'stopped' : 'done'}: ${line(summary)}\n`);
  for (const [trigger, n] of Object.entries(summary.movedByTrigger).sort())
    process.stdout.write(`  ${dryRun ? 'would move' : 'moved'} ${String(n).padStart(7)}  ${trigger}\n`);
  for (const [reason, n] of Object.entries(summary.left).sort()) process.stdout.write(`  left       ${String(n).padStart(7)}  ${reason}\n`);
  if (summary.skipped > 0) process.stdout.write(`  skipped    ${String(summary.skipped).padStart(7)}  outside --trigger/--since/--until\n`);
} catch (err) {
  process.stderr.write(`replay: ${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await consumer.disconnect().catch(() => undefined);
  if (dryRun) await admin.deleteGroups([groupId]).catch(() => undefined);
  await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
}
