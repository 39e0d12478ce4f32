// npm run test:docker [-- --local-images] — the Docker path, end to end, timed step by step:
//   1. the images: the official ones (docker-compose.yml's defaults; the gateway image built by
//      compose from the official Node image), or with --local-images the ones
//      `npm run docker:images` builds here without a registry;
//   2. the integration suite with STACK=docker: testcontainers runs that Kafka and registry;
//   3. docker compose up of everything, every documented trigger sent through the composed
//      gateway, a Kafka stop and start, and docker compose down --volumes (test/docker/).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseCli } from '../common/cli-args.ts';
import { projectRoot, stackSettings } from '../stack/settings.ts';
import { run } from './engine.ts';
import { buildLocalImages, localImagesEnv } from './images.ts';

const USAGE = `usage: npm run test:docker [-- --local-images]

Runs the integration suite on testcontainers (STACK=docker) and the docker compose end-to-end
test. Needs a Docker engine. Without --local-images: the official images (pulled) and a gateway
image built from the official Node image. With --local-images: images built here without any
registry (npm run docker:images; root, debootstrap).
`;

const report = (line: string): void => {
  process.stderr.write(`test:docker: ${line}\n`);
};

function vitest(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(projectRoot, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...args], {
      cwd: projectRoot,
      env,
      stdio: 'inherit',
    });
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? 1));
  });
}

async function timed<T>(what: string, step: () => Promise<T>): Promise<T> {
  const started = Date.now();
  report(`${what}…`);
  const result = await step();
  report(`${what}: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return result;
}

const { values } = parseCli(USAGE, { 'local-images': { type: 'boolean', default: false } });
const started = Date.now();
let env: NodeJS.ProcessEnv = { ...process.env, STACK: 'docker' };
if (values['local-images']) {
  const images = await timed('building the local images (npm run docker:images)', () => buildLocalImages(stackSettings()));
  // testcontainers' resource reaper (Ryuk) is an image of its own, which cannot be pulled
  // where these images are needed; every test stops what it started instead.
  env = { ...env, ...localImagesEnv(images), TESTCONTAINERS_RYUK_DISABLED: 'true' };
  report(`images: ${Object.values(localImagesEnv(images)).join(', ')}`);
} else {
  await timed('building the gateway image from the official Node image (docker compose build)', () =>
    run('bash', [path.join(projectRoot, 'docker', 'compose.sh'), 'build', 'gateway'], {
      prefix: '  build: ',
      env: { ...env, WEBHOOK_USERNAME: '-', WEBHOOK_PASSWORD: '-' },
    }),
  );
}

const suite = await timed('integration suite on testcontainers (STACK=docker)', () => vitest(['--project', 'integration'], env));
if (suite !== 0) {
  report(`the integration suite failed (exit ${suite})`);
  process.exit(suite);
}
const composed = await timed('docker compose end to end (test/docker)', () => vitest(['--project', 'docker'], env));
report(`${composed === 0 ? 'passed' : 'failed'} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(composed);
