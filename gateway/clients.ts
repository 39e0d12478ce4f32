// The gateway's clients of Kafka and the schema registry, built from its configuration by the
// composition root (main.ts) and passed in; tests build theirs the same way or pass fakes.
import { Kafka, logLevel, Partitioners, type Admin, type ProducerConfig } from 'kafkajs';
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
  // Idempotent with unlimited retries: a batch outlives an outage and lands once, because
  // every retry carries the same sequence numbers, which the broker recognises when an earlier
  // attempt landed unanswered. (kafkajs's default of 5 retries applies as soon as `retry` is
  // given at all: a batch then failed a few seconds into an outage, and the next one reused its
  // sequence numbers.) Callers do not wait for it beyond their budget; short retry gaps make
  // recovery quick. The default partitioner is murmur2, as Java clients use, so keys land where
  // they would expect. A producer whose request failed all the same continues under a new
  // producer id (renewing-producer.ts).
  const producerConfig: ProducerConfig = {
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: 1000 },
  };
  const producerLog = logger.child({ module: 'gateway' });
  const kafka = new Kafka({
    ...kafkaClientConfig(config.connections.kafka),
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(logger),
    connectionTimeout: 1000,
    requestTimeout: 5000,
  });
  return {
    producers: Array.from({ length: config.kafkaProducers }, () => createRenewingProducer(() => kafka.producer(producerConfig), producerLog)),
    admin: kafka.admin({ retry: { retries: 2 } }),
    registry: createRegistryClient(config.connections.registry),
  };
}
