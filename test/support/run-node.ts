// One of the project's programs as a child process on this Node, its output kept for the test
// (and for the failure message).
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../stack/settings.ts';

export interface NodeRun {
  readonly child: ChildProcess;
  /** Everything it printed so far, stdout and stderr interleaved. */
  output(): string;
  readonly exit: Promise<number | null>;
}

/** `script` relative to the project root; `env` replaces the environment (PATH kept). */
export function runNode(script: string, args: readonly string[], env: Record<string, string>): NodeRun {
  const child = spawn(process.execPath, [path.join(projectRoot, script), ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk;
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return { child, output: () => output, exit: new Promise((resolve) => child.once('exit', resolve)) };
}
