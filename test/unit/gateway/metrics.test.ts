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
});
