// npm run consumer -- <messages|users|groups|calls|moderation>
import { createLogger } from '../common/logger.ts';
import { CATEGORIES } from '../schemas/catalog.ts';
import { ConfigError, loadConsumerConfig } from './config.ts';
import { createSampleConsumer } from './sample-consumer.ts';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(`usage: npm run consumer -- <${CATEGORIES.join('|')}>
Runs one sample consumer: reads its category's topic in a consumer group, applies each event
once to .data/<category>.sqlite (DATA_DIR), and dead-letters what it cannot handle.
Environment: KAFKA_BROKERS and SCHEMA_REGISTRY_URL (read from .stack/env when present),
TOPIC_PREFIX, CONSUMER_GROUP, DATA_DIR, HEALTH_PORT (/healthz and /metrics), MAX_RETRIES,
RETRY_BACKOFF_MS, LOG_LEVEL, LOG_FORMAT; see docs/consumers.md.
`);
  process.exit(0);
}

let config: ReturnType<typeof loadConsumerConfig>;
try {
  config = loadConsumerConfig(process.argv[2]);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(2);
}
const logger = createLogger({ level: config.logLevel, service: `sample-consumer-${config.category}` });
const consumer = createSampleConsumer(config, { logger });
await consumer.start();
logger.info({ database: config.databaseFile, group: config.groupId }, 'sample consumer started');

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    // A terminal's Ctrl-C reaches npm run dev and its children alike: stop once.
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    consumer.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  });
}
