// The gateway's error catalogue: every code a caller can get, its HTTP status and what to do.
// Callers branch on `code` and `retriable`, never on messages. Nothing here knows of HTTP
// beyond the status each code maps to; http/error-response.ts writes the answer.
import type { ContractError } from '../schemas/errors.ts';

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
  spool_unavailable: {
    status: 503,
    message: 'Kafka did not acknowledge the event in time and the local spool could not keep it (full or failing); it was not accepted, retry later',
  },
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

/** The contract's refusal of a body that is not a webhook event at all (not an object, no trigger). */
export function refusedBody(err: ContractError): GatewayError {
  const code = err.code === 'trigger_missing' ? 'trigger_missing' : 'payload_not_object';
  return new GatewayError(code, { details: err.problems.length > 0 ? { problems: err.problems } : undefined, cause: err });
}
