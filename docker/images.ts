// npm run docker:images — builds every image the Docker path needs without a container
// registry: a Debian base (debootstrap), Node, a Java runtime, Kafka and Apicurio Registry from
// the Maven Central artifacts the local stack runs, and the gateway from the project's
// Dockerfile on the local Node image. Docker's layer cache makes a second run quick.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseCli } from '../common/cli-args.ts';
import { kafkaComponent } from '../stack/kafka.ts';
import { registryComponent } from '../stack/registry.ts';
import { projectRoot, type StackSettings, stackSettings } from '../stack/settings.ts';
import { buildDebianBase } from './debian-base.ts';
import { buildEnv, imageExists, imageSizeMb, run } from './engine.ts';

const DEBIAN_SUITE = 'trixie';
const NPM_VERSION = '11';

export interface LocalImages {
  readonly debian: string;
  readonly node: string;
  readonly java: string;
  readonly kafka: string;
  readonly registry: string;
  readonly gateway: string;
}

/** The tags this machine builds; compose and the tests take them through `localImagesEnv`. */
export function localImages(settings: StackSettings = stackSettings()): LocalImages {
  return {
    debian: `cometchat-local/debian:${DEBIAN_SUITE}`,
    node: `cometchat-local/node:${process.versions.node.split('.')[0]}`,
    java: 'cometchat-local/java:21',
    kafka: `cometchat-local/kafka:${settings.kafka.version}`,
    registry: `cometchat-local/apicurio-registry:${settings.registry.version}`,
    gateway: 'cometchat-gateway:local',
  };
}

/** The variables docker-compose.yml and the testcontainers backend read their images from. */
export function localImagesEnv(images: LocalImages = localImages()): Record<string, string> {
  return { KAFKA_IMAGE: images.kafka, SCHEMA_REGISTRY_IMAGE: images.registry, NODE_IMAGE: images.node, GATEWAY_IMAGE: images.gateway };
}

const report = (line: string): void => {
  process.stderr.write(`docker:images: ${line}\n`);
};

/** A build context of its own: the image's folder under docker/, plus staged files. */
function stage(image: string, extra: (dir: string) => void): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `cometchat-${image}-`));
  cpSync(path.join(projectRoot, 'docker', image), dir, { recursive: true });
  extra(dir);
  return dir;
}

async function build(tag: string, context: string, options: { dockerfile?: string; args?: Record<string, string> } = {}): Promise<void> {
  const args = ['build', '--network', 'host', '--force-rm', '--tag', tag];
  if (options.dockerfile) args.push('--file', options.dockerfile);
  for (const [key, value] of Object.entries(options.args ?? {})) args.push('--build-arg', `${key}=${value}`);
  args.push(context);
  await run('docker', args, { prefix: `  ${tag}: `, env: buildEnv() });
}

async function step(tag: string, what: () => Promise<void>): Promise<void> {
  const started = Date.now();
  await what();
  report(`${tag}: built in ${((Date.now() - started) / 1000).toFixed(1)} s, ${imageSizeMb(tag)} MB`);
}

/** Copies a runtime folder without the cache's completion marker. */
function copyRuntime(from: string, to: string): void {
  cpSync(from, to, { recursive: true, filter: (source) => path.basename(source) !== '.complete' });
}

export async function buildLocalImages(settings: StackSettings, { rebuildBase = false } = {}): Promise<LocalImages> {
  const images = localImages(settings);
  const staged: string[] = [];
  try {
    if (rebuildBase || !imageExists(images.debian)) {
      await step(images.debian, () => buildDebianBase(images.debian, DEBIAN_SUITE, report));
    } else {
      report(`${images.debian}: present (--rebuild-base makes it anew)`);
    }

    const npmDir = path.join(settings.cacheDir, 'docker');
    mkdirSync(npmDir, { recursive: true });
    const npmTarball = path.join(npmDir, `npm-${NPM_VERSION}.tgz`);
    if (!existsSync(npmTarball)) {
      report(`fetching npm@${NPM_VERSION} from the npm registry`);
      const name = (await run('npm', ['pack', `npm@${NPM_VERSION}`, '--silent', '--pack-destination', npmDir])).trim().split('\n').pop() ?? '';
      cpSync(path.join(npmDir, name), npmTarball);
      rmSync(path.join(npmDir, name));
    }
    const nodeContext = stage('node', (dir) => {
      // The Node running this script: the one the project installs from the npm `node` package.
      cpSync(process.execPath, path.join(dir, 'node'));
      cpSync(npmTarball, path.join(dir, 'npm.tgz'));
    });
    staged.push(nodeContext);
    await step(images.node, () => build(images.node, nodeContext, { args: { BASE_IMAGE: images.debian } }));

    const javaContext = stage('java', () => undefined);
    staged.push(javaContext);
    await step(images.java, () => build(images.java, javaContext, { args: { BASE_IMAGE: images.debian } }));

    report(`Kafka ${settings.kafka.version} and Apicurio Registry ${settings.registry.version}: the local stack's Maven Central artifacts`);
    const kafkaRuntime = await kafkaComponent(settings).install();
    const kafkaContext = stage('kafka', (dir) => copyRuntime(kafkaRuntime, path.join(dir, 'libs')));
    staged.push(kafkaContext);
    await step(images.kafka, () => build(images.kafka, kafkaContext, { args: { JAVA_IMAGE: images.java } }));

    const registryRuntime = await registryComponent(settings).install();
    const registryContext = stage('registry', (dir) => copyRuntime(registryRuntime, path.join(dir, 'app')));
    staged.push(registryContext);
    await step(images.registry, () => build(images.registry, registryContext, { args: { JAVA_IMAGE: images.java } }));

    await step(images.gateway, () => build(images.gateway, projectRoot, { args: { NODE_IMAGE: images.node } }));
    return images;
  } finally {
    for (const dir of staged) rmSync(dir, { recursive: true, force: true });
  }
}

const USAGE = `usage: npm run docker:images [-- --rebuild-base]

Builds, without any container registry, the images the Docker path runs here:
${Object.values(localImages())
  .map((tag) => `  ${tag}`)
  .join('\n')}
The Debian base comes from debootstrap (root), Kafka and the registry from Maven Central,
Node from the project's own node_modules. Writes their names to .stack/docker-images.env
for docker compose --env-file. Users with registry access pull the official images instead.
`;

if (import.meta.main) {
  const { values } = parseCli(USAGE, { 'rebuild-base': { type: 'boolean', default: false } });
  const settings = stackSettings();
  const started = Date.now();
  const images = await buildLocalImages(settings, { rebuildBase: values['rebuild-base'] }).catch((err: Error) => {
    report(err.message);
    process.exit(1);
  });
  const envFile = path.join(settings.dir, 'docker-images.env');
  mkdirSync(settings.dir, { recursive: true });
  writeFileSync(
    envFile,
    `${Object.entries(localImagesEnv(images))
      .map(([k, v]) => `${k}=${v}`)
      .join('\n')}\n`,
  );
  report(`all built in ${((Date.now() - started) / 1000).toFixed(0)} s; their names are in ${path.relative(process.cwd(), envFile)}`);
}
