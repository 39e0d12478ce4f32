// The ingest core: one webhook event in, one outcome out. Validate it, route it, skip it if Kafka
// already acknowledged it within the dedupe window, otherwise deliver it and report `accepted`
// only once Kafka acknowledged it, `spooled` once it is durable in the local spool (from which it
// will reach Kafka), or `refused` when neither happened within the budget. Never a late acceptance. Knows nothing of HTTP: the Koa edge (http/webhook.ts), a
// test or a replay tool calls it with plain values.
import { asWebhookEvent, type WebhookEvent } from '../../schemas/contract.ts';
import { ContractError } from '../../schemas/errors.ts';
import { GatewayError, refusedBody } from '../errors.ts';
import type { Lifecycle } from '../lifecycle.ts';
import type { Logger } from '../../common/logger.ts';
import type { GatewayMetrics } from '../metrics.ts';
import type { DedupeWindow } from './dedupe.ts';
import type { Delivery } from './delivery.ts';
import type { Router } from './route.ts';

export interface IngestRequest {
  /** The parsed JSON body. */
  readonly body: unknown;
  /** The body as received (kept unchanged on the unrouted and dead-letter topics). */
  readonly raw: string;
  /** Carried into log lines about this event. */
  readonly requestId: string;
  /** Epoch milliseconds. */
  readonly receivedAt: number;
}

export type IngestOutcome =
  /**
   * accepted: Kafka acknowledged it; spooled: it is fsynced in the local spool, which sends it on.
   * On its category topic, or kept on the unrouted or dead-letter topic.
   */
  | { readonly status: 'accepted' | 'spooled'; readonly placement: 'category' | 'unrouted' | 'dlq'; readonly eventId: string; readonly trigger: string }
  /** Kafka acknowledged the same event within the dedupe window; nothing was published. */
  | { readonly status: 'duplicate'; readonly eventId: string; readonly trigger: string }
  /** Not taken: the error says why and whether a retry can succeed. */
  | { readonly status: 'refused'; readonly error: GatewayError };

export type Ingest = (request: IngestRequest) => Promise<IngestOutcome>;

export function createIngest({
  router,
  delivery,
  dedupe,
  metrics,
  lifecycle,
  logger,
}: {
  router: Router;
  delivery: Delivery;
  dedupe: DedupeWindow;
  metrics: GatewayMetrics;
  lifecycle: Lifecycle;
  logger: Logger;
}): Ingest {
  // Deliveries of the same event that overlap share one publication.
  const inFlight = new Map<string, Promise<unknown>>();
  const refused = (error: GatewayError): IngestOutcome => ({ status: 'refused', error });

  return async function ingest({ body, raw, requestId, receivedAt }) {
    if (lifecycle.shuttingDown) return refused(new GatewayError('shutting_down'));
    if (!lifecycle.started) return refused(new GatewayError('not_ready'));
    const started = performance.now();
    let event: WebhookEvent;
    try {
      event = asWebhookEvent(body);
    } catch (err) {
      if (err instanceof ContractError) return refused(refusedBody(err));
      throw err;
    }

    const routed = router.route(event, raw, receivedAt);
    const { eventId, trigger } = routed;
    if (routed.kind === 'category' && routed.mismatches.length > 0) {
      metrics.mismatch(trigger);
      logger.warn({ trigger, eventId, paths: routed.mismatches, requestId }, 'documented fields of an unexpected type, kept in _unmapped');
    }

    const earlier = inFlight.get(eventId);
    if (earlier) await earlier.catch(() => undefined);
    if (dedupe.seen(eventId)) {
      metrics.event(trigger, 'duplicate');
      return { status: 'duplicate', eventId, trigger };
    }

    const delivering = delivery.deliver(routed.event, { eventId, receivedAt, onAcked: () => dedupe.remember(eventId) });
    inFlight.set(eventId, delivering);
    let delivered: Awaited<typeof delivering>;
    try {
      delivered = await delivering;
    } catch (err) {
      metrics.event(trigger, 'refused');
      return refused(err instanceof GatewayError ? err : new GatewayError('internal', { cause: err }));
    } finally {
      inFlight.delete(eventId);
    }
    if (delivered === 'spooled') {
      metrics.event(trigger, 'spooled');
      return { status: 'spooled', placement: routed.kind, eventId, trigger };
    }
    metrics.ack((performance.now() - started) / 1000);
    metrics.event(trigger, routed.kind === 'category' ? 'published' : routed.kind);
    if (routed.kind !== 'category') {
      logger.warn(
        { trigger, eventId, kind: routed.kind, code: routed.error?.code, paths: routed.error?.paths, requestId },
        routed.kind === 'dlq' ? 'event dead-lettered' : 'unknown trigger, event kept unrouted',
      );
    }
    return { status: 'accepted', placement: routed.kind, eventId, trigger };
  };
}
