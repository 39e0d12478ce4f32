// Reads and parses the webhook's JSON body: Content-Type application/json, UTF-8 (JSON's only
// encoding, RFC 8259), not compressed, at most maxBytes. A declared Content-Length over the limit is refused before a
// byte is read. JSON.parse keeps a "__proto__" member as an ordinary own member, so nothing is
// polluted and the contract still sees every member. Any JSON value is accepted here: the ingest
// step says precisely what is wrong with one that is not an object.
import type { IncomingMessage } from 'node:http';
import type { Context, Next } from 'koa';
import { GatewayError } from './errors.ts';

export interface ParsedBody {
  /** The body as received, decoded as UTF-8. */
  readonly raw: string;
  readonly value: unknown;
}

/** The body read by `jsonBody`, for the handlers after it. */
export function bodyOf(ctx: Context): ParsedBody {
  return ctx.state.body as ParsedBody;
}

const UTF8 = /^utf-?8$/i;

function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (err: GatewayError | undefined, body?: Buffer) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('aborted', onAborted);
      req.off('error', onAborted);
      if (err) reject(err);
      else resolve(body!);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) done(new GatewayError('payload_too_large'));
      else chunks.push(chunk);
    };
    const onEnd = () => done(undefined, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    // The client went away mid-body; the answer is never read, but the request must end.
    const onAborted = () => done(new GatewayError('malformed_json', { message: 'the body ended before it was complete (the client went away)' }));
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('aborted', onAborted);
    req.once('error', onAborted);
  });
}

export function createJsonBody({ maxBytes }: { maxBytes: number }) {
  return async function jsonBody(ctx: Context, next: Next): Promise<void> {
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
    const raw = (await readBody(ctx.req, maxBytes)).toString('utf8');
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw new GatewayError('malformed_json', { message: `the body is not valid JSON: ${(err as Error).message}`, cause: err });
    }
    ctx.state.body = { raw, value } satisfies ParsedBody;
    await next();
  };
}
