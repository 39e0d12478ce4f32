// HTTP Basic, checked before the body is read: a request without valid credentials is refused
// having cost us no parsing. Every candidate is compared in constant time (SHA-256 digests of
// equal length into timingSafeEqual), and every configured pair is always compared, so neither
// the position of a match nor the length of a guess shows in the timing.
// A header that passed is remembered (a handful, exactly as sent), so CometChat's stream of
// identical headers costs one lookup instead of a digest each. Failures are never remembered:
// every wrong guess pays the full constant-time comparison, and guesses cannot fill memory.
import { hash, timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Credential } from '../config.ts';
import { GatewayError } from '../errors.ts';

const digest = (value: string): Buffer => hash('sha256', value, 'buffer');

/** The `user:password` of an Authorization header, or undefined when it is not well-formed Basic. */
export function basicCredentials(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Basic[ ]+([A-Za-z0-9+/]+={0,2})[ ]*$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  return decoded.includes(':') ? decoded : undefined;
}

/** Headers that passed, per middleware; more distinct valid headers than this start it afresh. */
const REMEMBERED_HEADERS = 16;

export function createAuthMiddleware({ credentials }: { credentials: readonly Credential[] }) {
  const expected = credentials.map((c) => digest(`${c.username}:${c.password}`));
  const accepted = new Set<string>();

  function valid(header: string): boolean {
    const given = digest(basicCredentials(header) ?? '');
    let ok = false;
    for (const candidate of expected) ok = timingSafeEqual(given, candidate) || ok;
    return ok;
  }

  return async function authenticate(ctx: Context, next: Next): Promise<void> {
    const header = ctx.get('authorization');
    if (!accepted.has(header)) {
      // One answer for every failure: missing header, bad scheme, wrong user, wrong password.
      if (!valid(header)) throw new GatewayError('unauthorized');
      if (accepted.size >= REMEMBERED_HEADERS) accepted.clear();
      accepted.add(header);
    }
    await next();
  };
}
