// The Docker CLI as the image builder and the tests use it: a command whose output streams
// with a prefix (the progress), whether an image exists and its size, the build environment.
import { spawnSync } from 'node:child_process';
import { runCommand } from '../stack/command.ts';

export interface RunOptions {
  /** Prefix of each output line streamed as progress; without it, output is only kept. */
  readonly prefix?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Piped to the command's standard input. */
  readonly input?: NodeJS.ReadableStream;
}

/** Runs `command args` (stack/command.ts), resolves with its output. */
export function run(command: string, args: readonly string[], { prefix, env, input }: RunOptions = {}): Promise<string> {
  return runCommand(command, args, {
    what: `${command} ${args.slice(0, 2).join(' ')}`,
    ...(prefix === undefined ? {} : { progress: (line: string) => (line.trim() === '' ? undefined : `${prefix}${line}`) }),
    ...(env ? { env } : {}),
    ...(input ? { input } : {}),
  });
}

export function imageExists(tag: string): boolean {
  return spawnSync('docker', ['image', 'inspect', tag], { stdio: 'ignore' }).status === 0;
}

export function imageSizeMb(tag: string): number {
  const out = spawnSync('docker', ['image', 'inspect', '--format', '{{.Size}}', tag], { encoding: 'utf8' });
  return Math.round(Number(out.stdout.trim()) / 1e6);
}

/**
 * The environment for `docker build`: the classic builder where the CLI has no buildx plugin
 * (Debian's docker.io, a static CLI), BuildKit otherwise.
 */
export function buildEnv(): NodeJS.ProcessEnv {
  const buildx = spawnSync('docker', ['buildx', 'version'], { stdio: 'ignore' }).status === 0;
  return buildx ? process.env : { ...process.env, DOCKER_BUILDKIT: '0' };
}
