import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../../gateway/metrics.ts';

const line = (text: string, series: string) => text.split('\n').find((l) => l.startsWith(`${series} `));

describe('gateway metrics', () => {
  it('requests and events counted between scrapes → cumulative totals in every scrape, unknown triggers as one label', async () => {
    const metrics = createMetrics({ collectDefault: false });
    metrics.request('/webhooks/cometchat', 200);
    metrics.request('/webhooks/cometchat', 200);
    metrics.request('/webhooks/cometchat', 401);
    metrics.event('message_sent', 'published');
    metrics.event('made_up_trigger', 'unrouted');
    metrics.event('another_made_up', 'unrouted');
    const first = await metrics.exposition();
    expect(line(first, 'gateway_http_requests_total{route="/webhooks/cometchat",status="200"}')).toMatch(/ 2$/);
    expect(line(first, 'gateway_http_requests_total{route="/webhooks/cometchat",status="401"}')).toMatch(/ 1$/);
    expect(line(first, 'gateway_events_total{trigger="unknown",outcome="unrouted"}')).toMatch(/ 2$/);

    metrics.request('/webhooks/cometchat', 200);
    const second = await metrics.exposition();
    expect(line(second, 'gateway_http_requests_total{route="/webhooks/cometchat",status="200"}')).toMatch(/ 3$/);
    expect(line(second, 'gateway_events_total{trigger="message_sent",outcome="published"}')).toMatch(/ 1$/);
    expect(await metrics.exposition()).toBe(second);
  });

  it('the runtime and the stages of an acknowledgement → event-loop delay by quantile, GC pauses, queue wait, producer call, Produce requests', async () => {
    const metrics = createMetrics();
    metrics.publishWait(0.003);
    metrics.produce(0.004);
    metrics.produceRequest(0, 0.002);
    (globalThis as { gc?: () => void }).gc?.();
    const text = await metrics.exposition();
    for (const quantile of ['0.5', '0.99', '0.999', '1']) expect(line(text, `gateway_event_loop_delay_seconds{quantile="${quantile}"}`)).toBeDefined();
    expect(text).toContain('# TYPE gateway_gc_pause_seconds histogram');
    expect(line(text, 'gateway_publish_wait_seconds_bucket{le="0.005"}')).toMatch(/ 1$/);
    expect(line(text, 'gateway_produce_duration_seconds_bucket{le="0.002"}')).toMatch(/ 0$/);
    expect(line(text, 'gateway_kafka_request_queue_seconds_bucket{le="0.0005"}')).toMatch(/ 1$/);
    expect(line(text, 'gateway_kafka_request_seconds_count')).toMatch(/ 1$/);
  });

  it('heap allocation → a counter of every byte V8 allocated, growing as the process allocates (absent where V8 does not report it)', async () => {
    const metrics = createMetrics();
    if ((v8.getHeapStatistics() as v8.HeapInfo & { total_allocated_bytes?: number }).total_allocated_bytes === undefined) {
      expect(await metrics.exposition()).not.toContain('gateway_heap_allocated_bytes_total');
      return;
    }
    const allocated = async () =>
      Number(
        line(await metrics.exposition(), 'gateway_heap_allocated_bytes_total')
          ?.split(' ')
          .pop(),
      );
    const before = await allocated();
    const garbage = Array.from({ length: 1000 }, (_, i) => ({ i, text: `object ${i}` }));
    const after = await allocated();
    expect(garbage).toHaveLength(1000);
    expect(before).toBeGreaterThan(0);
    // 1,000 objects with a string each: tens of kilobytes at least.
    expect(after - before).toBeGreaterThan(20_000);
  });
});
