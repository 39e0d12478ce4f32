// The Node options the image runs the gateway with, read from the Dockerfile: its NODE_OPTIONS
// (options Node accepts there) and the V8 flags of its CMD (V8 options Node refuses in
// NODE_OPTIONS). npm run bench runs the gateway with the same ones, and a test checks that the
// Node the project installs still accepts them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../stack/settings.ts';

export function gatewayNodeArgs(dockerfile = readFileSync(path.join(projectRoot, 'Dockerfile'), 'utf8')): string[] {
  const nodeOptions = /^ENV NODE_OPTIONS=(.*)$/m.exec(dockerfile)?.[1] ?? '';
  const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)?.[1];
  if (!cmd) throw new Error('Dockerfile: no CMD ["node", …, "gateway/main.js"] line');
  const argv = JSON.parse(cmd) as string[];
  if (argv[0] !== 'node' || argv.at(-1) !== 'gateway/main.js') throw new Error(`Dockerfile: CMD ${cmd} does not run node … gateway/main.js`);
  return [...nodeOptions.split(' ').filter(Boolean), ...argv.slice(1, -1)];
}
