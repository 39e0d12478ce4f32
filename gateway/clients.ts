// The gateway's clients of Kafka and the schema registry, built from its configuration by the
// composition root (main.ts) and passed in; tests build theirs the same way or pass fakes.
import { Kafka, logLevel, Partitioners, type Admin } from 'kafkajs';
import { kafkaClientConfig } from '../common/connections.ts';
import { kafkaLogCreator } from '../common/kafka-log.ts';
import type { Logger } from '../common/logger.ts';
import { createRegistryClient, type RegistryClient } from '../schemas/registry.ts';
import type { GatewayConfig } from './config.ts';
import { createRenewingProducer, type RenewingProducer } from './ingest/renewing-producer.ts';

export interface GatewayClients {
  /** KAFKA_PRODUCERS of them, each with its own producer id and connections; the first also drains the spool. */
  readonly producers: readonly RenewingProducer[];
  readonly admin: Admin;
  readonly registry: RegistryClient;
}

export function createClients(config: GatewayConfig, { logger }: { logger: Logger }): GatewayClients {
  const kafka = new Kafka({
    ...kafkaClientConfig(config.connections.kafka),
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(logger),
    connectionTimeout: 1000,
    requestTimeout: 5000,
  });
  return {
    // Idempotent with unlimited retries: a batch outlives an outage and lands once. Callers do
    // not wait for it beyond their budget; short retry gaps make recovery quick. The default
    // partitioner is murmur2, as Java clients use, so keys land where they would expect. A new
    // producer id replaces one whose sequence numbers a restarted broker refuses.
    producers: Array.from({ length: config.kafkaProducers }, () =>
      createRenewingProducer(
        () =>
          kafka.producer({
            createPartitioner: Partitioners.DefaultPartitioner,
            idempotent: true,
            maxInFlightRequests: 1,
            allowAutoTopicCreation: false,
            retry: { initialRetryTime: 100, maxRetryTime: 1000 },
          }),
        logger.child({ module: 'gateway' }),
      ),
    ),
    admin: kafka.admin({ retry: { retries: 2 } }),
    registry: createRegistryClient(config.connections.registry),
  };
}
