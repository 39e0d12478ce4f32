// Where the gateway is in its life (starting, ready, shutting down) and whether it can take
// events now: the state the ingest core checks before each event and /readyz reports.
// Dependency probes (Kafka, the registry) run at most once per cacheMs, so a busy prober costs
// nothing.

export interface Lifecycle {
  /** Set once start-up finished (topics created, schema ids resolved, producer connected). */
  started: boolean;
  /** Why start-up has not finished, for /readyz and the logs. */
  startupProblem: string | undefined;
  shuttingDown: boolean;
}

export function createLifecycle(): Lifecycle {
  return { started: false, startupProblem: undefined, shuttingDown: false };
}

export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<boolean>;
  /** Unreachable without making the gateway unready (Kafka, while the spool can keep events). */
  readonly optional?: boolean;
}

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, string>>;
  readonly problem?: string;
}

export function createReadiness({
  lifecycle,
  checks,
  spool,
  cacheMs = 1000,
}: {
  lifecycle: Lifecycle;
  checks: readonly ReadinessCheck[];
  /** The spool's state for the report, when it is enabled. */
  spool?: () => { readonly spooling: boolean; readonly events: number };
  cacheMs?: number;
}) {
  const cache = new Map<string, { at: number; ok: Promise<boolean> }>();
  const probe = (c: ReadinessCheck): Promise<boolean> => {
    const hit = cache.get(c.name);
    if (hit && Date.now() - hit.at < cacheMs) return hit.ok;
    const ok = c.check().catch(() => false);
    cache.set(c.name, { at: Date.now(), ok });
    return ok;
  };
  return async function report(): Promise<ReadinessReport> {
    const probed = await Promise.all(checks.map(async (c) => ({ check: c, ok: await probe(c) })));
    const results = Object.fromEntries(probed.map(({ check, ok }) => [check.name, ok ? 'ok' : 'unreachable']));
    const ready = lifecycle.started && !lifecycle.shuttingDown && probed.every(({ check, ok }) => ok || check.optional);
    const state = spool?.();
    return {
      ready,
      checks: {
        ...results,
        schemas: lifecycle.started ? 'ok' : 'pending',
        ...(state
          ? { spool: state.spooling ? `spooling (${state.events} events waiting for Kafka)` : state.events > 0 ? `draining (${state.events} events)` : 'empty' }
          : {}),
        shutdown: lifecycle.shuttingDown ? 'in progress' : 'no',
      },
      ...(lifecycle.startupProblem ? { problem: lifecycle.startupProblem } : {}),
    };
  };
}
export type Readiness = ReturnType<typeof createReadiness>;
