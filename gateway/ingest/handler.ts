// POST <webhook path>: the body has been authenticated and parsed. Route the event, skip it if
// Kafka already acknowledged it within the dedupe window, otherwise publish and answer 200 only
// once Kafka acknowledged it — or 503 when it did not within the budget. Never a late 200.
import type { Context } from 'koa';
import { isJsonObject } from '../../schemas/json-path.ts';
import { bodyOf } from '../http/body.ts';
import { GatewayError } from '../http/errors.ts';
import type { Readiness } from '../http/health.ts';
import type { GatewayMetrics } from '../http/metrics.ts';
import type { Logger } from '../logger.ts';
import type { DedupeWindow } from './dedupe.ts';
import type { Publisher } from './publisher.ts';
import type { Router } from './route.ts';

export function createIngestHandler({
  router,
  publisher,
  dedupe,
  metrics,
  readiness,
  logger,
  ackTimeoutMs,
}: {
  router: Router;
  publisher: Publisher;
  dedupe: DedupeWindow;
  metrics: GatewayMetrics;
  readiness: Readiness;
  logger: Logger;
  ackTimeoutMs: number;
}) {
  // Deliveries of the same event that overlap share one publication.
  const inFlight = new Map<string, Promise<void>>();

  return async function ingest(ctx: Context): Promise<void> {
    if (readiness.shuttingDown) throw new GatewayError('shutting_down');
    if (!readiness.started) throw new GatewayError('not_ready');
    const started = performance.now();
    const { raw, value: body } = bodyOf(ctx);
    if (!isJsonObject(body)) throw new GatewayError('payload_not_object');
    if (typeof body.trigger !== 'string') throw new GatewayError('trigger_missing', { details: { problems: [{ path: '/trigger', problem: 'expected a string' }] } });

    const routed = router.route(body, raw, Date.now());
    const { eventId, trigger } = routed;
    if (routed.kind === 'category' && routed.mismatches.length > 0) {
      metrics.mismatch(trigger);
      logger.warn({ trigger, eventId, paths: routed.mismatches, requestId: ctx.state.requestId }, 'documented fields of an unexpected type, kept in _unmapped');
    }

    const earlier = inFlight.get(eventId);
    if (earlier) await earlier.catch(() => undefined);
    if (dedupe.seen(eventId)) {
      metrics.event(trigger, 'duplicate');
      answer(ctx, 'duplicate', eventId);
      return;
    }

    const published = publisher.publish(routed.event, { timeoutMs: ackTimeoutMs, onAcked: () => dedupe.remember(eventId) });
    inFlight.set(eventId, published);
    try {
      await published;
    } catch (err) {
      metrics.event(trigger, 'refused');
      throw new GatewayError('kafka_unavailable', { cause: err });
    } finally {
      inFlight.delete(eventId);
    }
    metrics.ack((performance.now() - started) / 1000);
    metrics.event(trigger, routed.kind === 'category' ? 'published' : routed.kind);
    if (routed.kind !== 'category') {
      logger.warn({ trigger, eventId, kind: routed.kind, code: routed.error?.code, paths: routed.error?.paths, requestId: ctx.state.requestId }, routed.kind === 'dlq' ? 'event dead-lettered' : 'unknown trigger, event kept unrouted');
    }
    answer(ctx, 'accepted', eventId);
  };
}

/** 200 with {"status","eventId"}: written directly (an event id is a UUID, nothing to escape). */
function answer(ctx: Context, status: 'accepted' | 'duplicate', eventId: string): void {
  ctx.set('Content-Type', 'application/json; charset=utf-8');
  ctx.body = `{"status":"${status}","eventId":"${eventId}"}`;
}
