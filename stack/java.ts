// Finds a Java runtime of at least a given major version. Kafka 4.x runs on 17+, Apicurio
// Registry 3.3 needs 21+; machines often have several JDKs, and the one on PATH may be too old.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** `openjdk version "17.0.15"` → 17, `java version "1.8.0_402"` → 8. */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

function candidates(env: NodeJS.ProcessEnv): string[] {
  const found: string[] = [];
  if (env.STACK_JAVA_HOME) found.push(path.join(env.STACK_JAVA_HOME, 'bin', 'java'));
  if (env.JAVA_HOME) found.push(path.join(env.JAVA_HOME, 'bin', 'java'));
  found.push('java');
  const jvmDir = '/usr/lib/jvm';
  if (existsSync(jvmDir)) {
    for (const name of readdirSync(jvmDir).sort()) found.push(path.join(jvmDir, name, 'bin', 'java'));
  }
  return found;
}

function majorOf(javaBin: string): number | undefined {
  // `java -version` prints to stderr.
  const result = spawnSync(javaBin, ['-version'], { encoding: 'utf8', timeout: 15_000 });
  return result.error ? undefined : parseJavaMajor(`${result.stderr}${result.stdout}`);
}

export interface JavaRuntime {
  readonly bin: string;
  readonly major: number;
}

const cache = new Map<string, JavaRuntime | undefined>();

/**
 * The first Java of at least `minMajor` among STACK_JAVA_HOME, JAVA_HOME, PATH and
 * /usr/lib/jvm/*, preferring the lowest version that qualifies (the best-tested one).
 */
export function findJava(minMajor: number, env: NodeJS.ProcessEnv = process.env): JavaRuntime {
  const usable: JavaRuntime[] = [];
  for (const bin of candidates(env)) {
    if (!cache.has(bin)) {
      const major = majorOf(bin);
      cache.set(bin, major === undefined ? undefined : { bin, major });
    }
    const runtime = cache.get(bin);
    if (runtime && runtime.major >= minMajor) usable.push(runtime);
  }
  const best = usable.sort((a, b) => a.major - b.major)[0];
  if (!best) {
    throw new Error(
      `no Java ${minMajor} or later found (looked at STACK_JAVA_HOME, JAVA_HOME, PATH and /usr/lib/jvm): ` +
        `install a JDK ${minMajor}+ and point STACK_JAVA_HOME at it`,
    );
  }
  return best;
}
