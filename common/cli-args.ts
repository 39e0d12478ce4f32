// Command-line options the same way in every tool: `--help` (or -h) prints the usage and exits
// 0; an unknown or malformed option prints what was wrong and the usage, and exits 2.
import { type ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseCli<const T extends Options>(usage: string, options: T, { allowPositionals = false }: { allowPositionals?: boolean } = {}) {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(usage);
    process.exit(0);
  }
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${usage}`);
    process.exit(2);
  }
}
