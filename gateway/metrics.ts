// Prometheus metrics: requests by route and status, events by trigger and outcome, how long
// Kafka takes to acknowledge, Kafka errors, and type mismatches (CometChat changing a type).
import client from 'prom-client';
import { TRIGGERS } from '../schemas/catalog.ts';
import { observeRuntime, PAUSE_BUCKETS } from './runtime-metrics.ts';

export type EventOutcome = 'published' | 'spooled' | 'duplicate' | 'unrouted' | 'dlq' | 'refused';

export interface SpoolGauges {
  readonly events: number;
  readonly bytes: number;
  readonly oldestReceivedAt: number | undefined;
}

export interface GatewayMetrics {
  readonly registry: client.Registry;
  /** The text /metrics answers: this process's metrics, or in cluster mode all workers' summed. */
  exposition(): Promise<string>;
  request(route: string, status: number): void;
  event(trigger: string, outcome: EventOutcome): void;
  ack(seconds: number): void;
  kafkaError(): void;
  mismatch(trigger: string): void;
  batch(messages: number): void;
  /** From an event queued for Kafka to its batch handed to the producer (linger, the batch in flight). */
  publishWait(seconds: number): void;
  /** One producer call (a batch), from hand-off to acknowledgement. */
  produce(seconds: number): void;
  /** A Produce request inside kafkajs: queued behind other requests, then sent until answered. */
  produceRequest(queuedSeconds: number, roundTripSeconds: number): void;
  /** Reads the spool's size when scraped. */
  observeSpool(stats: () => SpoolGauges): void;
  spooled(): void;
  spoolDrained(events: number): void;
  /** An event whose first attempt reached Kafka after its copy was spooled: Kafka has it twice (same event id). */
  spoolDuplicate(): void;
  spoolFailure(reason: 'full' | 'failed'): void;
}

/**
 * A counter with two labels for the per-request path: counted in plain maps, handed to
 * prom-client whenever the registry is read, so a request costs two map lookups, not a label hash.
 */
function tally({ labelNames: [first, second], ...config }: { name: string; help: string; labelNames: [string, string]; registers: client.Registry[] }) {
  const pending = new Map<string, Map<string | number, number>>();
  new client.Counter({
    ...config,
    labelNames: [first, second],
    collect() {
      for (const [a, counts] of pending) {
        for (const [b, n] of counts) {
          if (n === 0) continue;
          this.inc({ [first]: a, [second]: String(b) }, n);
          counts.set(b, 0);
        }
      }
    },
  });
  return (a: string, b: string | number): void => {
    let counts = pending.get(a);
    if (!counts) {
      counts = new Map();
      pending.set(a, counts);
    }
    counts.set(b, (counts.get(b) ?? 0) + 1);
  };
}

export function createMetrics({
  collectDefault = true,
  exposition,
}: {
  collectDefault?: boolean;
  /** Where /metrics text comes from when it is not this registry alone (cluster mode). */
  exposition?: (registry: client.Registry) => () => Promise<string>;
} = {}): GatewayMetrics {
  const registry = new client.Registry();
  if (collectDefault) {
    client.collectDefaultMetrics({ register: registry, prefix: 'gateway_' });
    observeRuntime(registry);
  }
  const requests = tally({
    name: 'gateway_http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['route', 'status'],
    registers: [registry],
  });
  const events = tally({
    name: 'gateway_events_total',
    help: 'Webhook events by trigger and outcome (published, spooled, duplicate, unrouted, dlq, refused)',
    labelNames: ['trigger', 'outcome'],
    registers: [registry],
  });
  const ackSeconds = new client.Histogram({
    name: 'gateway_ack_duration_seconds',
    help: 'From receiving a webhook to Kafka acknowledging it (acks=all)',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.015, 0.02, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2],
    registers: [registry],
  });
  const kafkaErrors = new client.Counter({ name: 'gateway_kafka_errors_total', help: 'Batches Kafka did not acknowledge', registers: [registry] });
  const mismatches = new client.Counter({
    name: 'gateway_type_mismatches_total',
    help: 'Events with a documented member of an unexpected type (kept in _unmapped)',
    labelNames: ['trigger'],
    registers: [registry],
  });
  const batches = new client.Histogram({
    name: 'gateway_batch_messages',
    help: 'Events per producer batch',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
    registers: [registry],
  });
  // Where an acknowledgement's time goes, at the resolution of the GC pauses.
  const stage = (name: string, help: string) => new client.Histogram({ name, help, buckets: PAUSE_BUCKETS, registers: [registry] });
  const publishWait = stage(
    'gateway_publish_wait_seconds',
    'From an event queued for Kafka to its batch handed to the producer: linger, and the wait behind the batch in flight',
  );
  const produce = stage('gateway_produce_duration_seconds', 'One producer call (a batch), from hand-off to acknowledgement by all in-sync replicas');
  const requestQueued = stage(
    'gateway_kafka_request_queue_seconds',
    "Produce requests: time in kafkajs's request queue before being written (millisecond resolution)",
  );
  const requestRoundTrip = stage(
    'gateway_kafka_request_seconds',
    "Produce requests: from written to the broker's answer, the broker's produce latency plus the network (millisecond resolution)",
  );
  let spoolStats: (() => SpoolGauges) | undefined;
  new client.Gauge({
    name: 'gateway_spool_events',
    help: 'Events in the local spool, waiting for Kafka',
    registers: [registry],
    collect() {
      this.set(spoolStats?.().events ?? 0);
    },
  });
  new client.Gauge({
    name: 'gateway_spool_bytes',
    help: 'Bytes of the events in the local spool (keys, values, headers)',
    registers: [registry],
    collect() {
      this.set(spoolStats?.().bytes ?? 0);
    },
  });
  new client.Gauge({
    name: 'gateway_spool_oldest_age_seconds',
    help: 'How long the oldest event in the spool has waited since it was received (0 when empty)',
    registers: [registry],
    collect() {
      const oldest = spoolStats?.().oldestReceivedAt;
      this.set(oldest === undefined ? 0 : (Date.now() - oldest) / 1000);
    },
  });
  const spoolEvents = new client.Counter({
    name: 'gateway_spool_events_total',
    help: 'Events written to the spool (spooled) and sent from it to Kafka (drained)',
    labelNames: ['action'],
    registers: [registry],
  });
  const spoolDuplicates = new client.Counter({
    name: 'gateway_spool_duplicates_total',
    help: 'Events Kafka got twice (same event id): the first attempt landed after the event had been spooled',
    registers: [registry],
  });
  const spoolFailures = new client.Counter({
    name: 'gateway_spool_failures_total',
    help: 'Events the spool could not keep (answered 503 spool_unavailable), by reason: full or failed',
    labelNames: ['reason'],
    registers: [registry],
  });
  // Unknown triggers share one label value: a sender must not be able to mint time series.
  const label = (trigger: string): string => (TRIGGERS.has(trigger) ? trigger : 'unknown');
  return {
    registry,
    exposition: exposition ? exposition(registry) : () => registry.metrics(),
    request: (route, status) => requests(route, status),
    event: (trigger, outcome) => events(label(trigger), outcome),
    ack: (seconds) => ackSeconds.observe(seconds),
    kafkaError: () => kafkaErrors.inc(),
    mismatch: (trigger) => mismatches.inc({ trigger: label(trigger) }),
    batch: (messages) => batches.observe(messages),
    publishWait: (seconds) => publishWait.observe(seconds),
    produce: (seconds) => produce.observe(seconds),
    produceRequest: (queued, roundTrip) => {
      requestQueued.observe(queued);
      requestRoundTrip.observe(roundTrip);
    },
    observeSpool: (stats) => {
      spoolStats = stats;
    },
    spooled: () => spoolEvents.inc({ action: 'spooled' }),
    spoolDrained: (events) => spoolEvents.inc({ action: 'drained' }, events),
    spoolDuplicate: () => spoolDuplicates.inc(),
    spoolFailure: (reason) => spoolFailures.inc({ reason }),
  };
}
