// Waits on a condition instead of sleeping a fixed time.
import { setTimeout as sleep } from 'node:timers/promises';

export async function waitFor<T>(
  condition: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 30_000, intervalMs = 50, what = 'condition' }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** Waits for a gateway to finish start-up; on timeout, fails with the gateway's own reason. */
export async function readyWithin(gateway: { ready(): Promise<void>; lifecycle: { startupProblem: string | undefined } }, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the gateway was not ready after ${timeoutMs} ms: ${gateway.lifecycle.startupProblem ?? 'no start-up problem reported'}`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([gateway.ready(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
