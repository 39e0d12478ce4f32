// A sample consumer's Prometheus metrics: events by outcome (applied, duplicate, dead-lettered),
// handler retries, and the process's own (memory, CPU, event loop), labelled by category.
import client from 'prom-client';
import type { Category } from '../schemas/catalog.ts';

export type ConsumerOutcome = 'applied' | 'duplicate' | 'dead_lettered';

export interface ConsumerMetrics {
  readonly registry: client.Registry;
  record(outcome: ConsumerOutcome): void;
  /** A handler failed and is tried again. */
  retried(): void;
}

export function createConsumerMetrics({ category, collectDefault = true }: { category: Category; collectDefault?: boolean }): ConsumerMetrics {
  const registry = new client.Registry();
  registry.setDefaultLabels({ category });
  if (collectDefault) client.collectDefaultMetrics({ register: registry, prefix: 'consumer_' });
  const events = new client.Counter({
    name: 'consumer_events_total',
    help: 'Records handled, by outcome (applied, duplicate, dead_lettered)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const retries = new client.Counter({ name: 'consumer_handler_retries_total', help: 'Handler failures tried again', registers: [registry] });
  return { registry, record: (outcome) => events.inc({ outcome }), retried: () => retries.inc() };
}
