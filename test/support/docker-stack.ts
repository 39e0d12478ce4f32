// Kafka (KRaft) and Apicurio Registry in containers, for machines with a Docker engine. The
// images are docker-compose.yml's: the official ones by default, or KAFKA_IMAGE and
// SCHEMA_REGISTRY_IMAGE, such as the ones `npm run docker:images` builds, which take the same
// configuration. Both run as generic containers with the same environment either way.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GenericContainer, type StartedTestContainer, Wait } from 'testcontainers';
import { SINGLE_NODE_PROPERTIES } from '../../stack/kafka.ts';
import type { StackSettings } from '../../stack/settings.ts';
import { projectRoot } from '../../stack/settings.ts';
import { type StackEnv, saslSslEnv } from '../../stack/stack.ts';
import { ensureStackTls, saslPassword, type StackTls } from '../../stack/tls.ts';
import { freePorts } from './ports.ts';
import { type SecureStack, secureStackFrom } from './stack-backend.ts';

export interface DockerStackImages {
  readonly kafka: string;
  readonly registry: string;
}

/** docker-compose.yml's defaults for `${KAFKA_IMAGE:-…}` and `${SCHEMA_REGISTRY_IMAGE:-…}`. */
export function composeDefaultImages(composeFile = path.join(projectRoot, 'docker-compose.yml')): DockerStackImages {
  const text = readFileSync(composeFile, 'utf8');
  const image = (name: string): string => {
    const match = new RegExp(`image: \\$\\{${name}:-([^}]+)\\}`).exec(text);
    if (!match?.[1]) throw new Error(`docker-compose.yml has no image: \${${name}:-…} line`);
    return match[1];
  };
  return { kafka: image('KAFKA_IMAGE'), registry: image('SCHEMA_REGISTRY_IMAGE') };
}

export function dockerStackImages(env: NodeJS.ProcessEnv): DockerStackImages {
  const defaults = composeDefaultImages();
  return { kafka: env.KAFKA_IMAGE || defaults.kafka, registry: env.SCHEMA_REGISTRY_IMAGE || defaults.registry };
}

export interface DockerStack {
  readonly env: StackEnv;
  readonly secure: SecureStack;
  stop(): Promise<void>;
}

const SECRETS = '/etc/kafka/secrets';

interface HostPorts {
  readonly plaintext: number;
  readonly saslSsl: number;
  readonly ssl: number;
}

/** The official apache/kafka image's variable for a server property: `.` → `_`, `_` → `__`, `-` → `___`. */
export function kafkaEnvName(property: string): string {
  return `KAFKA_${property.replaceAll('_', '__').replaceAll('-', '___').replaceAll('.', '_').toUpperCase()}`;
}

/**
 * One KRaft node configured as the official apache/kafka image is (KAFKA_* variables): the
 * local stack's single-node settings and listeners (PLAINTEXT; SASL_SSL with SCRAM-SHA-512; SSL requiring a client
 * certificate), each advertised on its host port on 127.0.0.1, and one for the broker itself.
 */
export function kafkaEnvironment(ports: HostPorts): Record<string, string> {
  return {
    CLUSTER_ID: 'cometchat-test-cluster0',
    KAFKA_NODE_ID: '1',
    KAFKA_PROCESS_ROLES: 'broker,controller',
    KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
    KAFKA_LISTENERS: 'PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093,SASL_SSL://0.0.0.0:9094,SSL://0.0.0.0:9095,BROKER://0.0.0.0:29092',
    KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${ports.plaintext},SASL_SSL://127.0.0.1:${ports.saslSsl},SSL://127.0.0.1:${ports.ssl},BROKER://localhost:29092`,
    KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL,BROKER:PLAINTEXT',
    KAFKA_INTER_BROKER_LISTENER_NAME: 'BROKER',
    KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
    KAFKA_SSL_KEYSTORE_FILENAME: 'broker.p12',
    KAFKA_SSL_KEYSTORE_CREDENTIALS: 'keystore-password',
    KAFKA_SSL_KEY_CREDENTIALS: 'keystore-password',
    KAFKA_SSL_TRUSTSTORE_LOCATION: `${SECRETS}/ca.pem`,
    ...Object.fromEntries(Object.entries(SINGLE_NODE_PROPERTIES).map(([key, value]) => [kafkaEnvName(key), value])),
    KAFKA_HEAP_OPTS: '-Xmx512m -Xms256m',
  };
}

async function startKafka(image: string, ports: HostPorts, tls: StackTls): Promise<StartedTestContainer> {
  const kafka = await new GenericContainer(image)
    .withEnvironment(kafkaEnvironment(ports))
    .withExposedPorts({ container: 9092, host: ports.plaintext }, { container: 9094, host: ports.saslSsl }, { container: 9095, host: ports.ssl })
    .withCopyContentToContainer([{ content: tls.keystorePassword, target: `${SECRETS}/keystore-password`, mode: 0o644 }])
    .withCopyFilesToContainer([
      { source: tls.brokerKeystore, target: `${SECRETS}/broker.p12`, mode: 0o644 },
      { source: tls.caFile, target: `${SECRETS}/ca.pem`, mode: 0o644 },
    ])
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .withStartupTimeout(180_000)
    .start();
  // The SASL_SSL listener's user, added through the broker as on any KRaft cluster.
  const added = await kafka.exec([
    '/opt/kafka/bin/kafka-configs.sh',
    '--bootstrap-server',
    'localhost:29092',
    '--alter',
    '--entity-type',
    'users',
    '--entity-name',
    tls.saslUser,
    '--add-config',
    `SCRAM-SHA-512=[iterations=8192,password=${saslPassword(tls)}]`,
  ]);
  if (added.exitCode !== 0) {
    await kafka.stop();
    throw new Error(`adding the SCRAM user to the Kafka container failed (${added.exitCode}): ${added.output}`);
  }
  return kafka;
}

/** Kafka and the registry; the registry keeps its schemas in memory, as a test needs. */
export async function startDockerStack(images: DockerStackImages, settings: StackSettings): Promise<DockerStack> {
  const tls = ensureStackTls(settings.tlsDir);
  const [plaintext, saslSsl, ssl] = await freePorts(3);
  if (plaintext === undefined || saslSsl === undefined || ssl === undefined) throw new Error('no free ports for Kafka');
  const ports = { plaintext, saslSsl, ssl };
  const started = await Promise.allSettled([
    startKafka(images.kafka, ports, tls),
    new GenericContainer(images.registry)
      .withExposedPorts(8080)
      .withWaitStrategy(Wait.forHttp('/apis/ccompat/v7/subjects', 8080).forStatusCode(200))
      .withStartupTimeout(180_000)
      .start(),
  ]);
  const [kafka, registry] = started.map((result) => (result.status === 'fulfilled' ? result.value : undefined));
  if (!kafka || !registry) {
    // The one that started is stopped: without testcontainers' reaper nothing else would.
    await Promise.all([kafka?.stop(), registry?.stop()]);
    throw started.find((result): result is PromiseRejectedResult => result.status === 'rejected')?.reason;
  }
  const registryUrl = `http://127.0.0.1:${registry.getMappedPort(8080)}/apis/ccompat/v7`;
  return {
    env: { KAFKA_BROKERS: `127.0.0.1:${ports.plaintext}`, SCHEMA_REGISTRY_URL: registryUrl },
    secure: secureStackFrom(tls, saslSslEnv(tls, `127.0.0.1:${ports.saslSsl}`, registryUrl), `127.0.0.1:${ports.ssl}`),
    async stop() {
      await Promise.all([registry.stop(), kafka.stop()]);
    },
  };
}
