// The stack's processes are detached Java programs that outlive the command that started
// them. Each is named by a pid file, and recognised by a marker argument on its command line,
// so that a recycled pid is never mistaken for ours and `down` stops exactly what `up` started.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ManagedProcess {
  /** Short name used in messages and file names: `kafka`, `registry`. */
  readonly name: string;
  readonly pidFile: string;
  /** A `-D` argument only this process of this stack carries. */
  readonly marker: string;
}

/** The process `name` of the stack in `stackDir`: `<stackDir>/<name>.pid`, and its marker. */
export function managedProcess(name: string, stackDir: string): ManagedProcess {
  return { name, pidFile: path.join(stackDir, `${name}.pid`), marker: `-Dcometchat.stack=${name}@${stackDir}` };
}

function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of the process if it runs and is ours; a stale pid file is removed. */
export function runningPid(proc: ManagedProcess): number | undefined {
  if (!existsSync(proc.pidFile)) return undefined;
  const pid = Number(readFileSync(proc.pidFile, 'utf8').trim());
  if (Number.isInteger(pid) && pid > 0 && isRunning(pid)) {
    const cmd = commandLine(pid);
    // Without /proc (not Linux) the marker cannot be checked; trust the pid file.
    if (cmd === undefined || cmd.includes(proc.marker)) return pid;
  }
  rmSync(proc.pidFile, { force: true });
  return undefined;
}

export function startDetached(proc: ManagedProcess, command: string, args: readonly string[], { cwd, logFile }: { cwd: string; logFile: string }): number {
  const log = openSync(logFile, 'w');
  try {
    const child = spawn(command, [proc.marker, ...args], {
      cwd,
      detached: true,
      stdio: ['ignore', log, log],
    });
    if (child.pid === undefined) throw new Error(`${proc.name}: could not start ${command}`);
    child.unref();
    writeFileSync(proc.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. Returns whether it was running. */
export async function stop(proc: ManagedProcess, graceMs = 20_000): Promise<boolean> {
  const pid = runningPid(proc);
  if (pid === undefined) return false;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isRunning(pid) && Date.now() < deadline) await sleep(100);
  if (isRunning(pid)) {
    process.kill(pid, 'SIGKILL');
    while (isRunning(pid)) await sleep(50);
  }
  rmSync(proc.pidFile, { force: true });
  return true;
}

/** Whether something already listens on 127.0.0.1:port. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The last lines of a log file, for error messages when a process dies on start. */
export function tail(file: string, lines = 15): string {
  if (!existsSync(file)) return '(no log written)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** The process died before it answered. */
export class ProcessExitedError extends Error {
  override readonly name = 'ProcessExitedError';
}

/**
 * The fields of /proc/<pid>/stat after the command name (so [0] is the state, [1] the parent
 * pid, [11]/[12] user/system CPU ticks), or undefined when the process is gone or there is no /proc.
 */
export function statFields(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ');
  } catch {
    return undefined;
  }
}

/** The pids whose parent is `pid`, from /proc (empty without it). */
export function childPids(pid: number): number[] {
  if (!existsSync('/proc')) return [];
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && statFields(Number(entry))?.[1] === String(pid))
    .map(Number);
}

/** Whether `pid` runs: it exists and is not a zombie (exited, not yet reaped by its parent). */
function alive(pid: number): boolean {
  if (!isRunning(pid)) return false;
  // No /proc (not Linux): trust kill(pid, 0).
  if (!existsSync('/proc')) return true;
  return (statFields(pid)?.[0] ?? 'Z') !== 'Z';
}

/**
 * Polls `probe` until it resolves true, the process `pid` dies, or the timeout passes; throws a
 * message that says which, with the end of the process's log. The pid is one this stack started
 * (not re-checked by its marker: a process caught mid-exec shows no command line yet).
 */
export async function waitUntilReady(
  proc: ManagedProcess,
  pid: number,
  probe: () => Promise<boolean>,
  { timeoutMs, logFile }: { timeoutMs: number; logFile: string },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive(pid)) {
      throw new ProcessExitedError(`${proc.name} exited during start-up; end of ${logFile}:\n${tail(logFile)}`);
    }
    if (await probe()) return;
    await sleep(250);
  }
  throw new Error(`${proc.name} did not answer within ${timeoutMs / 1000} s; end of ${logFile}:\n${tail(logFile)}`);
}
