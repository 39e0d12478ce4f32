// What the stack needs to know about one of its processes: how to install it, how to start
// it, and how to tell that it answers. `stack.ts` does the rest the same way for each.
import type { ManagedProcess } from './processes.ts';

export interface LaunchCommand {
  readonly bin: string;
  readonly args: readonly string[];
  readonly cwd: string;
}

export interface Component {
  readonly proc: ManagedProcess;
  /** Human name with version, for messages. */
  readonly describe: string;
  /** Loopback ports it listens on; one already taken by a stranger stops `up` with a clear error. */
  readonly ports: readonly number[];
  /** Everything it stores; `down` removes it. */
  readonly dataDir: string;
  /** Its standard output and error. */
  readonly logFile: string;
  /** What clients connect to (host:port or URL). */
  readonly address: string;
  /** Downloads and unpacks the runtime if needed; returns its directory. */
  install(): Promise<string>;
  /** Prepares configuration and data, and says how to launch it. */
  command(runtime: string): Promise<LaunchCommand>;
  /** Whether it answers clients now. */
  ready(): Promise<boolean>;
}
