// The Docker CLI as the image builder and the tests use it: a command whose output streams
// with a prefix (the progress), one that returns its output, and whether an image exists.
import { spawn, spawnSync } from 'node:child_process';

export interface RunOptions {
  /** Prefix of each streamed output line; without it, output is collected, not streamed. */
  readonly prefix?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Written to the command's standard input, which is then closed. */
  readonly input?: NodeJS.ReadableStream;
}

/** Runs `command args`, resolves with its output; rejects with its last lines when it fails. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    if (options.input && child.stdin) options.input.pipe(child.stdin);
    const lines: string[] = [];
    let partial = '';
    const take = (chunk: Buffer): void => {
      const text = partial + chunk.toString('utf8');
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (options.prefix !== undefined && line.trim() !== '') process.stderr.write(`${options.prefix}${line}\n`);
      }
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    child.once('error', (err) => reject(new Error(`could not run ${command}: ${err.message}`)));
    child.once('close', (code) => {
      if (partial !== '') lines.push(partial);
      if (code === 0) resolve(lines.join('\n'));
      else reject(new Error(`${command} ${args.slice(0, 3).join(' ')} … exited with ${code}; its last lines:\n${lines.slice(-25).join('\n')}`));
    });
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
