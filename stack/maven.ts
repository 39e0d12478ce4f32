// Fetches the stack's runtimes from Maven Central with the machine's `mvn`. Maven's local
// repository (~/.m2) is the download cache; .stack/cache holds the unpacked result, completed
// by a marker file so that an interrupted download is redone rather than half-used.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCommand } from './command.ts';

/** Whether a Maven output line is worth showing as progress: downloads and errors. */
export function isProgressLine(line: string): boolean {
  return /^(?:\[INFO\] )?Download(?:ing|ed) from/.test(line) || line.startsWith('[ERROR]');
}

function run(command: string, args: readonly string[], what: string): Promise<void> {
  return runCommand(command, args, {
    what,
    progress: (line) => (isProgressLine(line) ? `  ${line.replace(/^\[INFO\] /, '')}` : undefined),
    install: 'install Maven (apt-get install maven)',
  }).then(() => undefined);
}

// Batch mode still prints one line as each download starts and ends: that is the progress.
const mavenArgs = ['-B'];

/**
 * Runs `fill(target)` unless `target` is already complete; `fill` writes into `target`.
 * Returns the directory.
 */
export async function cached(target: string, fill: (dir: string) => Promise<void>): Promise<string> {
  const done = path.join(target, '.complete');
  if (existsSync(done)) return target;
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  await fill(target);
  writeFileSync(done, `${new Date().toISOString()}\n`);
  return target;
}

/** Copies the runtime closure of the project described by `pom` into `dir`. */
export function copyDependencies(pom: string, dir: string, properties: Record<string, string>, what: string): Promise<void> {
  const defines = Object.entries(properties).map(([key, value]) => `-D${key}=${value}`);
  return run('mvn', [...mavenArgs, '-f', pom, ...defines, 'dependency:copy-dependencies', `-DoutputDirectory=${dir}`, '-DincludeScope=runtime'], what);
}

/** Copies one artifact (`group:artifact:version[:type[:classifier]]`) into `dir`. */
export function copyArtifact(coordinates: string, dir: string, what: string): Promise<void> {
  return run('mvn', [...mavenArgs, 'dependency:copy', `-Dartifact=${coordinates}`, `-DoutputDirectory=${dir}`], what);
}

export function untar(archive: string, dir: string, what: string): Promise<void> {
  return run('tar', ['-xzf', archive, '-C', dir], what);
}
