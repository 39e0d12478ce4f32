// The gateway's error catalogue and the middleware that turns any error into one response
// shape: { "error": { "code", "message", "details"? } }. Callers branch on `code` and
// `retriable`, never on messages; 5xx bodies never carry internals.
import type { Context, Next } from 'koa';
import { ContractError } from '../../schemas/errors.ts';
import type { Logger } from '../logger.ts';

export const GATEWAY_ERRORS = {
  unauthorized: { status: 401, message: 'missing or invalid credentials: send HTTP Basic credentials configured for this webhook' },
  unsupported_media_type: { status: 415, message: 'the body must be JSON: send Content-Type: application/json' },
  payload_too_large: { status: 413, message: 'the body is larger than the gateway accepts (MAX_BODY_BYTES)' },
  malformed_json: { status: 400, message: 'the body is not valid JSON' },
  payload_not_object: { status: 400, message: 'the body must be a JSON object' },
  trigger_missing: { status: 400, message: 'the body has no "trigger" string' },
  not_found: { status: 404, message: 'no such endpoint' },
  method_not_allowed: { status: 405, message: 'method not allowed on this endpoint' },
  not_ready: { status: 503, message: 'the gateway is not ready (Kafka or the schema registry not reachable yet); retry later' },
  kafka_unavailable: { status: 503, message: 'Kafka did not acknowledge the event in time; it was not accepted, retry later' },
  shutting_down: { status: 503, message: 'the gateway is shutting down; retry against another instance' },
  internal: { status: 500, message: 'internal error' },
} as const;
export type GatewayErrorCode = keyof typeof GATEWAY_ERRORS;

export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  readonly code: GatewayErrorCode;
  readonly status: number;
  /** Whether the message may be shown to the caller (5xx: the catalogue text only). */
  readonly expose: boolean;
  /** Whether the same request may succeed later. */
  readonly retriable: boolean;
  readonly details: unknown;

  constructor(code: GatewayErrorCode, { message, details, cause }: { message?: string; details?: unknown; cause?: unknown } = {}) {
    super(message ?? GATEWAY_ERRORS[code].message, { cause });
    this.code = code;
    this.status = GATEWAY_ERRORS[code].status;
    this.expose = this.status < 500;
    this.retriable = this.status === 503;
    this.details = details;
  }
}

/** Any error as a gateway error: the contract's by code, HTTP-style ones (status 413/415/400) by status. */
export function asGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  if (err instanceof ContractError && (err.code === 'payload_not_object' || err.code === 'trigger_missing')) {
    return new GatewayError(err.code, { details: err.problems.length ? { problems: err.problems } : undefined, cause: err });
  }
  const e = err as { status?: number; type?: string; expose?: boolean };
  if (e?.type === 'entity.too.large' || e?.status === 413) return new GatewayError('payload_too_large', { cause: err });
  if (e?.status === 415) return new GatewayError('unsupported_media_type', { cause: err });
  // Anything else with status 400 comes from parsing the body.
  if (e?.status === 400) return new GatewayError('malformed_json', { cause: err });
  return new GatewayError('internal', { cause: err });
}

export function createErrorMiddleware({ logger, retryAfterSeconds }: { logger: Logger; retryAfterSeconds: number }) {
  return async function errors(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw new GatewayError('not_found');
      if (ctx.status === 405 && ctx.body === undefined) throw new GatewayError('method_not_allowed');
    } catch (raw) {
      const err = asGatewayError(raw);
      ctx.status = err.status;
      if (err.code === 'unauthorized') ctx.set('WWW-Authenticate', 'Basic realm="cometchat-webhooks", charset="UTF-8"');
      if (err.retriable) ctx.set('Retry-After', String(retryAfterSeconds));
      // A refused body may be half-read; do not keep a connection whose framing is uncertain.
      if (err.status === 413) ctx.set('Connection', 'close');
      ctx.body = { error: { code: err.code, message: err.expose ? err.message : GATEWAY_ERRORS[err.code].message, ...(err.details ? { details: err.details } : {}) } };
      const fields = { code: err.code, status: err.status, requestId: ctx.state.requestId as string };
      // Only name, message and stack: parser errors carry the request body, which is not for logs.
      const cause = (err.cause ?? err) as Error;
      if (err.status === 503) logger.warn({ ...fields, reason: cause.message }, 'request refused for now');
      else if (err.status >= 500) logger.error({ ...fields, err: { type: cause.name, message: cause.message, stack: cause.stack } }, 'request failed');
      else logger.debug(fields, 'request refused');
    }
  };
}
