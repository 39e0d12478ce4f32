// Brings the local stack up, down, and reports on it. `up` is idempotent: a process that runs
// is left alone, one that is down is started again on its existing data.
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { Component } from './component.ts';
import { kafkaComponent } from './kafka.ts';
import { portInUse, ProcessExitedError, runningPid, startDetached, stop, waitUntilReady } from './processes.ts';
import { registryComponent } from './registry.ts';
import { ensureStackTls, type StackTls } from './tls.ts';
import { kafkaBrokers, registryUrl, type StackSettings } from './settings.ts';

export interface StackEnv {
  readonly KAFKA_BROKERS: string;
  readonly SCHEMA_REGISTRY_URL: string;
}

export function components(settings: StackSettings): readonly Component[] {
  return [kafkaComponent(settings), registryComponent(settings)];
}

export function stackEnv(settings: StackSettings): StackEnv {
  return { KAFKA_BROKERS: kafkaBrokers(settings), SCHEMA_REGISTRY_URL: registryUrl(settings) };
}

/**
 * The settings that make the gateway, the consumers and the CLIs use the SASL_SSL listener: the
 * same names as the gateway's configuration, the password by file (.stack/env.secure).
 */
export function secureStackEnv(settings: StackSettings): Record<string, string> {
  return saslSslEnv(ensureStackTls(settings.tlsDir), `127.0.0.1:${settings.kafka.saslSslPort}`, registryUrl(settings));
}

/** The gateway's settings for a SASL_SSL listener that trusts the stack's CA and knows its SCRAM user. */
export function saslSslEnv(tls: StackTls, brokers: string, registry: string): Record<string, string> {
  return {
    KAFKA_BROKERS: brokers,
    KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: tls.saslUser,
    KAFKA_SASL_PASSWORD_FILE: tls.saslPasswordFile,
    KAFKA_SSL_CA_FILE: tls.caFile,
    SCHEMA_REGISTRY_URL: registry,
  };
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** `KEY=value` lines that `set -a; . .stack/env` and dotenv readers both accept. */
export function formatEnvFile(env: StackEnv | Readonly<Record<string, string>>): string {
  return `${Object.entries(env)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}

type Report = (message: string) => void;

async function ensureRunning(component: Component, settings: StackSettings, report: Report, onStart: () => void): Promise<boolean> {
  const { proc } = component;
  const existing = runningPid(proc);
  if (existing !== undefined) {
    // It may still be starting (an `up` that was interrupted): wait for it rather than start another.
    await waitUntilReady(proc, existing, component.ready, { timeoutMs: settings.readyTimeoutMs, logFile: component.logFile });
    report(`${proc.name}: already running (pid ${existing}) at ${component.address}`);
    return false;
  }
  for (const port of component.ports) {
    // A process that was just killed can hold its ports for a moment while the kernel tears it down.
    const deadline = Date.now() + 5000;
    while ((await portInUse(port)) && Date.now() < deadline) await sleep(200);
    if (await portInUse(port)) {
      throw new Error(
        `${proc.name}: port ${port} on 127.0.0.1 is taken by a process this stack did not start; ` +
          'stop that process, or choose other ports with the STACK_*_PORT variables (see docs/development.md)',
      );
    }
  }
  const runtime = await component.install();
  const started = Date.now();
  // A process that dies during start-up is started once more (we have seen a JVM fail its very
  // first step, reading its working directory, once in many runs); a second death fails `up`.
  for (let attempt = 1; ; attempt++) {
    const launch = await component.command(runtime);
    const pid = startDetached(proc, launch.bin, launch.args, { cwd: launch.cwd, logFile: component.logFile });
    onStart();
    report(`${proc.name}: starting ${component.describe} (pid ${pid}), log ${path.relative(process.cwd(), component.logFile)}`);
    try {
      await waitUntilReady(proc, pid, component.ready, { timeoutMs: settings.readyTimeoutMs, logFile: component.logFile });
      break;
    } catch (err) {
      if (attempt > 1 || !(err instanceof ProcessExitedError)) throw err;
      report(`${proc.name}: ${err.message}\n${proc.name}: starting it once more`);
    }
  }
  report(`${proc.name}: ready at ${component.address} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

/** Serialises concurrent `up`/`down` calls on one stack directory. */
async function withLock<T>(settings: StackSettings, work: () => Promise<T>): Promise<T> {
  const lock = path.join(settings.dir, 'lock');
  let fd: number;
  try {
    fd = openSync(lock, 'wx');
  } catch {
    const holder = Number(readFileSync(lock, 'utf8').trim());
    let alive = false;
    try {
      process.kill(holder, 0);
      alive = true;
    } catch {
      /* the holder is gone: a stale lock */
    }
    if (alive) throw new Error(`another stack command (pid ${holder}) is working on ${settings.dir}; wait for it to finish`);
    rmSync(lock, { force: true });
    fd = openSync(lock, 'wx');
  }
  writeFileSync(fd, `${process.pid}\n`);
  closeSync(fd);
  try {
    return await work();
  } finally {
    rmSync(lock, { force: true });
  }
}

export interface UpResult {
  readonly env: StackEnv;
  /** Names of the processes this call started (the others were running already). */
  readonly started: readonly string[];
}

export async function up(settings: StackSettings, report: Report = () => undefined): Promise<UpResult> {
  mkdirSync(settings.logDir, { recursive: true });
  return withLock(settings, async () => {
    const all = components(settings);
    // Installs run one after the other (two Mavens filling ~/.m2 at once can collide);
    // starts run side by side, since each JVM mostly waits on its own start-up.
    for (const component of all) if (runningPid(component.proc) === undefined) await component.install();
    // allSettled, not all: a failure of one must not leave the other starting unsupervised.
    const startedHere: Component[] = [];
    const outcomes = await Promise.allSettled(all.map((component) => ensureRunning(component, settings, report, () => startedHere.push(component))));
    const failure = outcomes.find((o) => o.status === 'rejected');
    if (failure) {
      // Leave nothing behind that this call started: a half-started stack only holds ports.
      for (const component of startedHere) {
        if (await stop(component.proc)) report(`${component.proc.name}: stopped, because the stack could not come up`);
      }
      throw failure.reason;
    }
    const started = outcomes.map((o) => o.status === 'fulfilled' && o.value);
    const env = stackEnv(settings);
    writeAtomically(settings.envFile, formatEnvFile(env));
    writeAtomically(settings.secureEnvFile, formatEnvFile(secureStackEnv(settings)));
    return { env, started: all.filter((_, i) => started[i]).map((c) => c.proc.name) };
  });
}

/**
 * Stops the named processes (default: all) by their pid files and removes their data; with
 * every process stopped, removes the env file too. Downloads and logs stay.
 */
export async function down(settings: StackSettings, report: Report = () => undefined, names?: readonly string[]): Promise<void> {
  if (!existsSync(settings.dir)) return;
  await withLock(settings, async () => {
    const chosen = components(settings).filter((c) => names === undefined || names.includes(c.proc.name));
    // The registry first: it may still be writing while Kafka goes away.
    for (const component of [...chosen].reverse()) {
      const wasRunning = await stop(component.proc);
      rmSync(component.dataDir, { recursive: true, force: true });
      report(`${component.proc.name}: ${wasRunning ? 'stopped' : 'was not running'}; data removed`);
    }
    if (components(settings).every((c) => runningPid(c.proc) === undefined)) {
      rmSync(settings.envFile, { force: true });
      rmSync(settings.secureEnvFile, { force: true });
    }
  });
}

export interface ComponentStatus {
  readonly name: string;
  readonly pid: number | undefined;
  readonly ready: boolean;
  readonly address: string;
}

export async function status(settings: StackSettings): Promise<readonly ComponentStatus[]> {
  return Promise.all(
    components(settings).map(async (c) => {
      const pid = runningPid(c.proc);
      return { name: c.proc.name, pid, ready: pid !== undefined && (await c.ready()), address: c.address };
    }),
  );
}
