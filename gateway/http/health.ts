// /healthz: the process answers. /readyz: it can take events — schemas resolved, Kafka and the
// registry reachable (each probed at most once a second, so a busy prober costs nothing).
import type { Context } from 'koa';

export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<boolean>;
}

export interface Readiness {
  /** Set once start-up finished (topics created, schema ids resolved, producer connected). */
  started: boolean;
  /** Why start-up has not finished, for /readyz and the logs. */
  startupProblem: string | undefined;
  shuttingDown: boolean;
}

export function createHealth({ readiness, checks, cacheMs = 1000 }: { readiness: Readiness; checks: readonly ReadinessCheck[]; cacheMs?: number }) {
  const cache = new Map<string, { at: number; ok: Promise<boolean> }>();
  const probe = (c: ReadinessCheck): Promise<boolean> => {
    const hit = cache.get(c.name);
    if (hit && Date.now() - hit.at < cacheMs) return hit.ok;
    const ok = c.check().catch(() => false);
    cache.set(c.name, { at: Date.now(), ok });
    return ok;
  };
  return {
    healthz(ctx: Context): void {
      ctx.body = { status: 'ok' };
    },
    async readyz(ctx: Context): Promise<void> {
      const results = Object.fromEntries(await Promise.all(checks.map(async (c) => [c.name, (await probe(c)) ? 'ok' : 'unreachable'] as const)));
      const ready = readiness.started && !readiness.shuttingDown && Object.values(results).every((r) => r === 'ok');
      ctx.status = ready ? 200 : 503;
      ctx.body = {
        status: ready ? 'ready' : 'not ready',
        checks: { ...results, schemas: readiness.started ? 'ok' : 'pending', shutdown: readiness.shuttingDown ? 'in progress' : 'no' },
        ...(readiness.startupProblem ? { problem: readiness.startupProblem } : {}),
      };
    },
  };
}
