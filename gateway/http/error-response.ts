// The one middleware that turns any error into one response shape:
// { "error": { "code", "message", "details"? } }. 5xx bodies carry the catalogue's text only,
// never internals; the log level follows the status.
import type { Context, Next } from 'koa';
import { GATEWAY_ERRORS, GatewayError } from '../errors.ts';
import type { Logger } from '../../common/logger.ts';

export function createErrorResponse({ logger, retryAfterSeconds }: { logger: Logger; retryAfterSeconds: number }) {
  return async function errorResponse(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw new GatewayError('not_found');
      if (ctx.status === 405 && ctx.body === undefined) throw new GatewayError('method_not_allowed');
    } catch (raw) {
      const err = raw instanceof GatewayError ? raw : new GatewayError('internal', { cause: raw });
      ctx.status = err.status;
      if (err.code === 'unauthorized') ctx.set('WWW-Authenticate', 'Basic realm="cometchat-webhooks", charset="UTF-8"');
      if (err.retriable) ctx.set('Retry-After', String(retryAfterSeconds));
      // A refused body may be half-read; do not keep a connection whose framing is uncertain.
      if (err.status === 413) ctx.set('Connection', 'close');
      ctx.body = {
        error: { code: err.code, message: err.expose ? err.message : GATEWAY_ERRORS[err.code].message, ...(err.details ? { details: err.details } : {}) },
      };
      const fields = { code: err.code, status: err.status, requestId: ctx.state.requestId as string };
      // Only name, message and stack: parser errors carry the request body, which is not for logs.
      const cause = (err.cause ?? err) as Error;
      if (err.status === 503) logger.warn({ ...fields, reason: cause.message }, 'request refused for now');
      else if (err.status >= 500) logger.error({ ...fields, err: { type: cause.name, message: cause.message, stack: cause.stack } }, 'request failed');
      else logger.debug(fields, 'request refused');
    }
  };
}
