// npm run consumer -- <messages|users|groups|calls|moderation>
import pino from 'pino';
import { loadConsumerConfig } from './config.ts';
import { createSampleConsumer } from './consumer.ts';

let config;
try {
  config = loadConsumerConfig(process.argv[2]);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(2);
}
const logger = pino({ level: config.logLevel, base: { service: `sample-consumer-${config.category}` }, redact: ['apiKey', '*.apiKey'] });
const consumer = createSampleConsumer(config, { logger });
await consumer.start();
logger.info({ database: config.databaseFile, group: config.groupId }, 'sample consumer started');

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
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
