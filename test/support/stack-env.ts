// What an integration test needs to reach the stack, and helpers to keep tests apart.
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { inject } from 'vitest';
import { createRegistryClient } from '../../schemas/registry.ts';
import type { StackEnv } from '../../stack/stack.ts';

export function stackEnv(): StackEnv {
  return inject('stack');
}

/** A name no other test (or earlier run) uses: topics, subjects and groups never collide. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

export function testKafka(clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: stackEnv().KAFKA_BROKERS.split(','), // kafkajs logs retriable start-up errors (coordinator loading) at ERROR; tests assert outcomes instead.
    logLevel: logLevel.NOTHING,
  });
}

/** Decodes records as a consumer would, through the project's client: each request bounded (10 s). */
export function testRegistry(): SchemaRegistry {
  return createRegistryClient({ url: stackEnv().SCHEMA_REGISTRY_URL }).schemaRegistry;
}
