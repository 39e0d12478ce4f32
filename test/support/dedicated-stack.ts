// A local stack of a test's own (its own directory and ports), for tests that kill or freeze
// Kafka or the registry: the shared stack other tests use is never disturbed.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runningPid } from '../../stack/processes.ts';
import { projectRoot, stackSettings, type StackSettings } from '../../stack/settings.ts';
import { components, down, up, type StackEnv } from '../../stack/stack.ts';
import { waitFor } from './wait-for.ts';

export interface DedicatedStack {
  readonly settings: StackSettings;
  readonly env: StackEnv;
  kill(name: 'kafka' | 'registry', signal?: NodeJS.Signals): Promise<void>;
  /** Starts again whatever is down, on its data. */
  restart(): Promise<void>;
  down(): Promise<void>;
}

/**
 * Settings for a stack in a fresh temporary directory on ports portBase … portBase+3, reusing
 * the project's unpacked runtimes (tests of processes, not of downloads).
 */
export function isolatedStackSettings(portBase: number, name = 'dedicated'): StackSettings {
  return stackSettings({
    STACK_DIR: mkdtempSync(path.join(os.tmpdir(), `stack-${name}-`)),
    STACK_CACHE_DIR: path.join(projectRoot, '.stack', 'cache'),
    STACK_KAFKA_PORT: String(portBase),
    STACK_KAFKA_CONTROLLER_PORT: String(portBase + 1),
    STACK_REGISTRY_PORT: String(portBase + 2),
    STACK_REGISTRY_MANAGEMENT_PORT: String(portBase + 3),
    STACK_KAFKA_SASL_SSL_PORT: String(portBase + 4),
    STACK_KAFKA_SSL_PORT: String(portBase + 5),
  });
}

export async function startDedicatedStack(portBase: number): Promise<DedicatedStack> {
  const settings = isolatedStackSettings(portBase);
  const { env } = await up(settings);
  const byName = new Map(components(settings).map((c) => [c.proc.name, c.proc]));
  return {
    settings,
    env,
    async kill(name, signal = 'SIGKILL') {
      const proc = byName.get(name)!;
      const pid = runningPid(proc);
      if (pid === undefined) throw new Error(`${name} is not running`);
      process.kill(pid, signal);
      if (signal === 'SIGKILL') await waitFor(() => runningPid(proc) === undefined, { what: `${name} to die` });
    },
    async restart() {
      await up(settings);
    },
    down: () => down(settings),
  };
}
