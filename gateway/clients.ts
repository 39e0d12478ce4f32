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
  // Idempotent. kafkajs retries a failed request a few times (5, with short gaps here, so that
  // recovery is quick); a batch no broker answered even then is held by renewing-producer.ts and
  // sent again unchanged, with the same sequence numbers, until one does, and a producer whose
  // batch a broker refused continues under a new producer id. (Unlimited retries in kafkajs
  // would hold the batch too, but they also cover the producer's start-up, its InitProducerId,
  // with no end; start-up has its own retries, with a fresh attempt each time.) Callers do not
  // wait beyond their budget. The default partitioner is murmur2, as Java clients use, so keys
  // land where they would expect.
  const producerConfig: ProducerConfig = {
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1000 },
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
