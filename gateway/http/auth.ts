// HTTP Basic, checked before the body is read: a request without valid credentials is refused
// having cost us no parsing. Every candidate is compared in constant time (SHA-256 digests of
// equal length into timingSafeEqual), and every configured pair is always compared, so neither
// the position of a match nor the length of a guess shows in the timing.
import { hash, timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Credential } from '../config.ts';
import { GatewayError } from './errors.ts';

const digest = (value: string): Buffer => hash('sha256', value, 'buffer');

/** The `user:password` of an Authorization header, or undefined when it is not well-formed Basic. */
export function basicCredentials(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Basic[ ]+([A-Za-z0-9+/]+={0,2})[ ]*$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  return decoded.includes(':') ? decoded : undefined;
}

export function createAuthMiddleware({ credentials }: { credentials: readonly Credential[] }) {
  const expected = credentials.map((c) => digest(`${c.username}:${c.password}`));
  return async function authenticate(ctx: Context, next: Next): Promise<void> {
    const given = digest(basicCredentials(ctx.get('authorization')) ?? '');
    let ok = false;
    for (const candidate of expected) ok = timingSafeEqual(given, candidate) || ok;
    // One answer for every failure: missing header, bad scheme, wrong user, wrong password.
    if (!ok) throw new GatewayError('unauthorized');
    await next();
  };
}
