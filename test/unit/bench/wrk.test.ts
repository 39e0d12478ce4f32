// The independent closed-loop generator (bench/wrk.ts), against a real node:http server: wrk
// sends the bench mix as POSTs with the given headers, every body valid JSON with a webhook id
// of its own, and what it reports is what the server saw. Needs Debian's wrk; CI installs it
// (and fails here without it), elsewhere the test is skipped and says why.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { benchTemplates } from '../../../bench/mix.ts';
import { findWrk, wrk } from '../../../bench/wrk.ts';

const installed = (() => {
  try {
    findWrk();
    return true;
  } catch {
    return false;
  }
})();

// Outside CI, without wrk, the test is skipped and says so; in CI a missing wrk is a failure
// (wrk() throws findWrk's error), never a skip.
describe.skipIf(!installed && process.env.CI !== 'true')(`wrk closed loop${installed ? '' : ' (skipped: wrk is not installed; apt-get install wrk)'}`, () => {
  it('posts every template in turn, each with an id of its own, and counts what the server answered', async () => {
    const seen: { method: string; auth: string | undefined; type: string | undefined; webhook: string; trigger: string }[] = [];
    let refused = 0;
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk));
      req.on('end', () => {
        const parsed = JSON.parse(body) as { webhook: string; trigger: string };
        seen.push({
          method: req.method!,
          auth: req.headers.authorization,
          type: req.headers['content-type'],
          webhook: parsed.webhook,
          trigger: parsed.trigger,
        });
        // Every 50th answered 503, to see wrk's count of non-2xx.
        res.statusCode = seen.length % 50 === 0 ? 503 : 200;
        if (res.statusCode === 503) refused++;
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const templates = benchTemplates();
      const result = await wrk(
        {
          url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/cometchat`,
          seconds: 1,
          connections: 4,
          headers: { 'content-type': 'application/json', authorization: 'Basic dTpw' },
          templates,
        },
        'test-run',
      );
      expect(result.requests).toBeGreaterThan(100);
      // wrk counts the requests it completed; the server may have answered a few more as wrk stopped.
      expect(seen.length).toBeGreaterThanOrEqual(result.requests);
      expect(seen.length - result.requests).toBeLessThanOrEqual(4);
      expect(result.non2xx).toBeGreaterThan(0);
      expect(result.non2xx).toBeLessThanOrEqual(refused);
      expect(result.errors).toBe(0);
      expect(result.latencyMs.p50).toBeGreaterThan(0);
      expect(result.latencyMs.p99).toBeGreaterThanOrEqual(result.latencyMs.p50);
      expect(new Set(seen.map((r) => r.method))).toEqual(new Set(['POST']));
      expect(new Set(seen.map((r) => r.auth))).toEqual(new Set(['Basic dTpw']));
      expect(new Set(seen.map((r) => r.type))).toEqual(new Set(['application/json']));
      expect(new Set(seen.map((r) => r.webhook)).size).toBe(seen.length);
      for (const r of seen) expect(r.webhook).toMatch(/^test-run-1-\d+$/);
      // The mix in its proportions: 100 requests in a row (by their ids) are the 100 templates, once
      // each. (wrk builds one request before it connects and never sends it: id 1.)
      const number = (webhook: string) => Number(webhook.slice(webhook.lastIndexOf('-') + 1));
      const first = [...seen].sort((x, y) => number(x.webhook) - number(y.webhook)).slice(0, 100);
      expect(number(first.at(-1)!.webhook) - number(first[0]!.webhook)).toBe(99);
      const triggers = (list: string[]) => list.sort().join(',');
      expect(triggers(first.map((r) => r.trigger))).toBe(triggers(templates.map((t) => (JSON.parse(t) as { trigger: string }).trigger)));
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('has one webhook id placeholder in each template', () => {
    for (const t of benchTemplates()) expect(t.split('"webhook":"<id>"')).toHaveLength(2);
  });
});
