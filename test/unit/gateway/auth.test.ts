import Koa from 'koa';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { basicCredentials, createAuthMiddleware } from '../../../gateway/http/auth.ts';
import type { GatewayError } from '../../../gateway/errors.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('basicCredentials', () => {
  it('a well-formed Basic header → user:password', () => {
    expect(basicCredentials(`Basic ${b64('cc:pw')}`)).toBe('cc:pw');
    expect(basicCredentials(`basic ${b64('cc:pw:with:colons')}`)).toBe('cc:pw:with:colons');
  });

  it('missing, another scheme, not base64, or no colon → undefined', () => {
    expect(basicCredentials(undefined)).toBeUndefined();
    expect(basicCredentials('')).toBeUndefined();
    expect(basicCredentials(`Bearer ${b64('cc:pw')}`)).toBeUndefined();
    expect(basicCredentials('Basic !!!')).toBeUndefined();
    expect(basicCredentials(`Basic ${b64('nocolon')}`)).toBeUndefined();
  });
});

describe('the authentication middleware', () => {
  async function withApp(
    credentials: { username: string; password: string }[],
    run: (status: (authorization?: string) => Promise<number>) => Promise<void>,
  ): Promise<void> {
    const app = new Koa();
    app.use(async (ctx, next) => {
      try {
        await next();
      } catch (err) {
        ctx.status = (err as GatewayError).status;
      }
    });
    app.use(createAuthMiddleware({ credentials }));
    app.use((ctx) => {
      ctx.body = 'in';
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      await run(async (authorization) => (await fetch(url, { headers: authorization === undefined ? {} : { authorization } })).status);
    } finally {
      server.close();
    }
  }

  it('the right pair → passes, every time; a wrong one after it (same user, similar password) → 401', async () => {
    await withApp([{ username: 'cc', password: 'pw' }], async (status) => {
      for (let i = 0; i < 3; i++) expect(await status(`Basic ${b64('cc:pw')}`)).toBe(200);
      expect(await status(`Basic ${b64('cc:pw2')}`)).toBe(401);
      expect(await status(`Basic ${b64('cc:p')}`)).toBe(401);
      expect(await status(`basic ${b64('cc:pw')}`)).toBe(200);
      expect(await status()).toBe(401);
    });
  });

  it('rotation pairs → each passes; more distinct valid headers than it remembers → still all pass', async () => {
    const pairs = Array.from({ length: 20 }, (_, i) => ({ username: `user${i}`, password: `secret-${i}` }));
    await withApp(pairs, async (status) => {
      for (let round = 0; round < 2; round++) {
        for (const p of pairs) expect(await status(`Basic ${b64(`${p.username}:${p.password}`)}`)).toBe(200);
      }
      expect(await status(`Basic ${b64('user1:secret-2')}`)).toBe(401);
    });
  });
});
