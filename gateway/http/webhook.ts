// POST <webhook path>, once authenticated and parsed: hands the body to the ingest core and
// turns its outcome into the answer. 200 {"status":"accepted"|"spooled"|"duplicate","eventId"}
// or the refusal's error, answered by http/error-response.ts.
import type { Context } from 'koa';
import type { Ingest } from '../ingest/ingest.ts';
import { bodyOf } from './body.ts';

export function createWebhookHandler({ ingest }: { ingest: Ingest }) {
  return async function webhook(ctx: Context): Promise<void> {
    const { raw, value } = bodyOf(ctx);
    const outcome = await ingest({ body: value, raw, requestId: ctx.state.requestId as string, receivedAt: Date.now() });
    if (outcome.status === 'refused') throw outcome.error;
    // Written directly: an event id is a UUID, nothing to escape.
    ctx.set('Content-Type', 'application/json; charset=utf-8');
    ctx.body = `{"status":"${outcome.status}","eventId":"${outcome.eventId}"}`;
  };
}
