// /healthz: the process answers. /readyz: it can take events (see lifecycle.ts), 200 or 503
// with the state of each dependency in the body.
import type { Context } from 'koa';
import type { Readiness } from '../lifecycle.ts';

export function createHealth({ readiness }: { readiness: Readiness }) {
  return {
    healthz(ctx: Context): void {
      ctx.body = { status: 'ok' };
    },
    async readyz(ctx: Context): Promise<void> {
      const { ready, checks, problem } = await readiness();
      ctx.status = ready ? 200 : 503;
      ctx.body = { status: ready ? 'ready' : 'not ready', checks, ...(problem ? { problem } : {}) };
    },
  };
}
