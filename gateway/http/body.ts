// The webhook's JSON body: a small guard, then koa-bodyparser. The guard refuses, before a
// byte is read, what the parser would otherwise read or misread: a media type other than JSON
// (415), a charset other than UTF-8 (JSON's only encoding, RFC 8259; 415), a compressed body
// (415), a declared Content-Length over the limit (413). koa-bodyparser then reads at most
// maxBytes and parses; its errors become the gateway's codes here, in one place.
//
// Why koa-bodyparser and not its successor @koa/bodyparser: only koa-bodyparser hands its options
// on to co-body, and two of them matter. `strict: false` lets any JSON value through, so the
// ingest core can say precisely what is wrong with one that is not an object; and
// `onProtoPoisoning: 'ignore'` keeps a "__proto__" member as the ordinary own member JSON.parse
// makes of it (nothing is polluted), so the contract still sees, and stores, every member
// CometChat sent. @koa/bodyparser 6 forwards neither, and would refuse such a body.
import type { Context, Middleware, Next } from 'koa';
import bodyParser from 'koa-bodyparser';
import { GatewayError } from '../errors.ts';

export interface ParsedBody {
  /** The body as received, decoded as UTF-8. */
  readonly raw: string;
  readonly value: unknown;
}

/** The body read by the middlewares `createJsonBody` returns, for the handler after them. */
export function bodyOf(ctx: Context): ParsedBody {
  return { raw: ctx.request.rawBody, value: ctx.request.body };
}

const UTF8 = /^utf-?8$/i;

/** co-body's and raw-body's errors, by their `type` or status, as the gateway's codes. */
function refusal(err: unknown): unknown {
  const e = err as { type?: string; status?: number; message?: string };
  if (e.type === 'entity.too.large') return new GatewayError('payload_too_large', { cause: err });
  if (e.type === 'request.aborted')
    return new GatewayError('malformed_json', { message: 'the body ended before it was complete (the client went away)', cause: err });
  if (e.type === 'request.size.invalid')
    return new GatewayError('malformed_json', { message: 'the body is not as long as its Content-Length says', cause: err });
  if (err instanceof SyntaxError) return new GatewayError('malformed_json', { message: `the body is not valid JSON: ${e.message}`, cause: err });
  if (e.status === 415) return new GatewayError('unsupported_media_type', { cause: err });
  return err;
}

function createGuard({ maxBytes }: { maxBytes: number }) {
  return function guard(ctx: Context, next: Next): Promise<void> {
    // The header CometChat sends is taken as it is; anything else is parsed as a media type.
    if (ctx.get('content-type') !== 'application/json') {
      if (!ctx.is('application/json')) throw new GatewayError('unsupported_media_type');
      const charset = ctx.request.charset;
      if (charset && !UTF8.test(charset)) {
        throw new GatewayError('unsupported_media_type', { message: `charset ${charset} is not accepted: JSON is sent as UTF-8` });
      }
    }
    const encoding = ctx.get('content-encoding');
    if (encoding && encoding.toLowerCase() !== 'identity') {
      throw new GatewayError('unsupported_media_type', { message: `Content-Encoding ${encoding} is not accepted: send the JSON uncompressed` });
    }
    const declared = ctx.request.length;
    if (declared !== undefined && declared > maxBytes) throw new GatewayError('payload_too_large');
    return next();
  };
}

export function createJsonBody({ maxBytes }: { maxBytes: number }): Middleware[] {
  const parse = bodyParser({
    enableTypes: ['json'],
    // The guard has checked the media type already: skip koa-bodyparser's second look.
    detectJSON: () => true,
    jsonLimit: `${maxBytes}b`,
    encoding: 'utf-8',
    strict: false,
    onProtoPoisoning: 'ignore',
    onerror(err) {
      throw refusal(err);
    },
  } as bodyParser.Options & { onProtoPoisoning: 'ignore' });
  // Not strict, co-body returns an empty body as "" rather than failing to parse it.
  const nonEmpty = (ctx: Context, next: Next): Promise<void> => {
    if (ctx.request.rawBody === '') throw new GatewayError('malformed_json', { message: 'the body is empty: send the event as a JSON object' });
    return next();
  };
  // A list, not one composed middleware: the app puts them in its own chain, one dispatch less.
  return [createGuard({ maxBytes }), parse, nonEmpty];
}
