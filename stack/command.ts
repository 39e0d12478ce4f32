// Runs a command and reads its output line by line: the lines worth showing go to stderr as
// progress, all are kept, so that a failure says what the command said last.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface CommandOptions {
  /** What is being done, for the error message. */
  readonly what: string;
  /** The text to show for an output line as progress, or undefined to keep it quiet. */
  readonly progress?: (line: string) => string | undefined;
  /** Added to the error when the command cannot be started: how to install it. */
  readonly install?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Piped to the command's standard input. */
  readonly input?: NodeJS.ReadableStream;
}

/** Resolves with the command's output lines joined; rejects with its last lines when it fails. */
export function runCommand(command: string, args: readonly string[], options: CommandOptions): Promise<string> {
  const { what, progress, install, env = process.env, input } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    if (input && child.stdin) input.pipe(child.stdin);
    const transcript: string[] = [];
    const onLine = (line: string): void => {
      transcript.push(line);
      const shown = progress?.(line);
      if (shown !== undefined) process.stderr.write(`${shown}\n`);
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    child.once('error', (err) => reject(new Error(`${what}: could not run ${command} (${err.message})${install ? `; ${install}` : ''}`)));
    child.once('close', (code) => {
      if (code === 0) resolve(transcript.join('\n'));
      else reject(new Error(`${what}: ${command} exited with ${code}; its last lines:\n${transcript.slice(-25).join('\n')}`));
    });
  });
}
