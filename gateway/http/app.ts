// The Koa app: middleware order is the argument. Request id and metrics first, then the one
// error mapper, then routes. On the webhook route, credentials are checked before the body is
// read, the content type before it is parsed, and only then is it parsed and ingested.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { METHODS } from 'node:http';
import Router from '@koa/router';
import Koa, { type Context, type Next } from 'koa';
import compose from 'koa-compose';
import type { GatewayConfig } from '../config.ts';
import type { Ingest } from '../ingest/ingest.ts';
import type { Readiness } from '../lifecycle.ts';
import type { Logger } from '../../common/logger.ts';
import type { GatewayMetrics } from '../metrics.ts';
import { createAuthMiddleware } from './auth.ts';
import { createJsonBody } from './body.ts';
import { createErrorResponse } from './error-response.ts';
import { createHealth } from './health.ts';
import { createWebhookHandler } from './webhook.ts';

export interface AppDeps {
  readonly config: GatewayConfig;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly readiness: Readiness;
  readonly ingest: Ingest;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const CLIENT_GONE = new Set(['ERR_HTTP_REQUEST_TIMEOUT', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE']);
/** The committed description of this interface (gateway/openapi.json), served as it is. */
const OPENAPI = readFileSync(new URL('../openapi.json', import.meta.url), 'utf8');

export function createApp({ config, logger, metrics, readiness, ingest }: AppDeps): Koa {
  const app = new Koa();
  const health = createHealth({ readiness });
  app.proxy = false;
  // Errors are answered by the error middleware; this only catches what escapes Koa itself.
  app.silent = true;
  app.on('error', (err: unknown) => {
    const e = err as { code?: string; type?: string; message?: string };
    // A client that timed out or went away mid-request is the client's problem, not ours.
    if (CLIENT_GONE.has(e.code ?? '') || e.type === 'request.aborted') logger.info({ code: e.code ?? e.type }, 'client connection ended early');
    else logger.error({ err: { message: e.message, code: e.code } }, 'unhandled application error');
  });

  app.use(async function requestContext(ctx: Context, next: Next) {
    const given = ctx.get('x-request-id');
    ctx.state.requestId = REQUEST_ID.test(given) ? given : randomUUID();
    ctx.set('X-Request-Id', ctx.state.requestId as string);
    try {
      await next();
    } finally {
      metrics.request((ctx as Context & { _matchedRoute?: string })._matchedRoute ?? 'other', ctx.status);
    }
  });
  app.use(createErrorResponse({ logger, retryAfterSeconds: config.retryAfterSeconds }));

  // Every method Node knows, so that TRACE and friends get 405 with Allow (not 501).
  const router = new Router({ methods: [...METHODS] });
  router.get('/healthz', (ctx) => health.healthz(ctx));
  router.get('/readyz', (ctx) => health.readyz(ctx));
  router.get('/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = OPENAPI;
  });
  router.get('/metrics', async (ctx) => {
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.exposition();
  });

  const webhook = compose<Context>([
    ...(config.authDisabled ? [] : [createAuthMiddleware({ credentials: config.credentials })]),
    ...createJsonBody({ maxBytes: config.maxBodyBytes }),
    createWebhookHandler({ ingest }),
  ]);
  router.post(config.webhookPath, webhook);

  // The webhook itself skips the router's matching (a measurable share of each request at full
  // load); every other request, including other spellings of the path, goes through the router.
  app.use(function webhookFastPath(ctx: Context, next: Next) {
    if (ctx.method !== 'POST' || ctx.path !== config.webhookPath) return next();
    (ctx as Context & { _matchedRoute?: string })._matchedRoute = config.webhookPath;
    return webhook(ctx, next);
  });
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
