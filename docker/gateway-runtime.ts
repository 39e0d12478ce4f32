// How the image runs the gateway, read from the Dockerfile: the Node options (its NODE_OPTIONS,
// which Node accepts there, and the V8 flags of its CMD, which Node refuses there) and the rest
// of its environment (ENV lines). npm run bench runs the gateway the same way, and a test checks
// that the Node the project installs still accepts the options.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../stack/settings.ts';

export interface GatewayRuntime {
  readonly nodeArgs: string[];
  /** The image's ENV settings other than NODE_OPTIONS. */
  readonly env: Record<string, string>;
}

export function gatewayRuntime(dockerfile = readFileSync(path.join(projectRoot, 'Dockerfile'), 'utf8')): GatewayRuntime {
  const env = Object.fromEntries([...dockerfile.matchAll(/^ENV ([A-Z_][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
  const { NODE_OPTIONS: nodeOptions = '', ...rest } = env;
  const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)?.[1];
  if (!cmd) throw new Error('Dockerfile: no CMD ["node", …, "gateway/main.js"] line');
  const argv = JSON.parse(cmd) as string[];
  if (argv[0] !== 'node' || argv.at(-1) !== 'gateway/main.js') throw new Error(`Dockerfile: CMD ${cmd} does not run node … gateway/main.js`);
  return { nodeArgs: [...nodeOptions.split(' ').filter(Boolean), ...argv.slice(1, -1)], env: rest };
}
