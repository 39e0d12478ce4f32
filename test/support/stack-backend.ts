// Chooses the Kafka and schema registry that integration tests run against:
//   STACK=external  KAFKA_BROKERS and SCHEMA_REGISTRY_URL name a running stack or cluster;
//   STACK=docker    testcontainers starts one (needs a Docker engine);
//   STACK=local     stack/ starts Kafka and Apicurio Registry as local Java processes.
// Without STACK: external when both variables are set, else docker when an engine answers,
// else local. A stack that cannot be had is an error, never a reason to skip tests.
import { kafkaAnswers, registryAnswers } from '../../stack/probes.ts';
import { existsSync } from 'node:fs';
import { type StackSettings, stackSettings } from '../../stack/settings.ts';
import { down, secureStackEnv, type StackEnv, stackEnv, up } from '../../stack/stack.ts';
import { ensureStackTls, type StackTls } from '../../stack/tls.ts';
import { dockerEngineAnswers } from './docker-engine.ts';

export const STACK_KINDS = ['external', 'docker', 'local'] as const;
export type StackKind = (typeof STACK_KINDS)[number];

/** The stack's secured listeners (local or docker), for the tests of TLS and SASL. */
export interface SecureStack {
  /** .stack/env.secure: SASL_SSL with SCRAM-SHA-512. */
  readonly saslSsl: Readonly<Record<string, string>>;
  /** The listener that requires a client certificate. */
  readonly sslBrokers: string;
  readonly caFile: string;
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
  /** A certificate for 127.0.0.1 signed by the CA, for a TLS front of the tests' own. */
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
}

export function secureStackOf(settings: StackSettings): SecureStack {
  return secureStackFrom(ensureStackTls(settings.tlsDir), secureStackEnv(settings), `127.0.0.1:${settings.kafka.sslPort}`);
}

export function secureStackFrom(tls: StackTls, saslSsl: Readonly<Record<string, string>>, sslBrokers: string): SecureStack {
  return {
    saslSsl,
    sslBrokers,
    caFile: tls.caFile,
    clientCertFile: tls.clientCertFile,
    clientKeyFile: tls.clientKeyFile,
    serverCertFile: tls.serverCertFile,
    serverKeyFile: tls.serverKeyFile,
  };
}

export interface Backend {
  readonly kind: StackKind;
  readonly env: StackEnv;
  readonly secure?: SecureStack | undefined;
  /** Stops what this backend started, and nothing else. */
  stop(): Promise<void>;
}

type Report = (message: string) => void;

export async function chooseKind(env: NodeJS.ProcessEnv, engineAnswers: () => Promise<boolean>): Promise<StackKind> {
  const forced = env.STACK;
  if (forced !== undefined && forced !== '') {
    if (!(STACK_KINDS as readonly string[]).includes(forced)) {
      throw new Error(`STACK=${forced} is not a stack kind: use one of ${STACK_KINDS.join(', ')}`);
    }
    return forced as StackKind;
  }
  const brokers = Boolean(env.KAFKA_BROKERS);
  const registry = Boolean(env.SCHEMA_REGISTRY_URL);
  if (brokers !== registry) {
    throw new Error(
      `${brokers ? 'KAFKA_BROKERS' : 'SCHEMA_REGISTRY_URL'} is set but ${brokers ? 'SCHEMA_REGISTRY_URL' : 'KAFKA_BROKERS'} ` +
        'is not: set both to test against a running stack (e.g. `set -a; . .stack/env`), or neither',
    );
  }
  if (brokers) return 'external';
  return (await engineAnswers()) ? 'docker' : 'local';
}

async function external(env: NodeJS.ProcessEnv): Promise<Backend> {
  const { KAFKA_BROKERS, SCHEMA_REGISTRY_URL } = env;
  if (!KAFKA_BROKERS || !SCHEMA_REGISTRY_URL) {
    throw new Error('STACK=external needs KAFKA_BROKERS and SCHEMA_REGISTRY_URL: after `npm run stack:up`, run `set -a; . .stack/env; set +a`');
  }
  const [kafkaOk, registryOk] = await Promise.all([kafkaAnswers(KAFKA_BROKERS), registryAnswers(SCHEMA_REGISTRY_URL)]);
  if (!kafkaOk) throw new Error(`KAFKA_BROKERS=${KAFKA_BROKERS} does not answer metadata requests: is Kafka running?`);
  if (!registryOk) throw new Error(`SCHEMA_REGISTRY_URL=${SCHEMA_REGISTRY_URL} does not answer GET /subjects: is the registry running?`);
  // The project's own local stack, when that is what is running: its secured listeners too.
  const settings = stackSettings(env);
  const secure = existsSync(settings.secureEnvFile) && KAFKA_BROKERS === stackEnv(settings).KAFKA_BROKERS ? secureStackOf(settings) : undefined;
  return { kind: 'external', env: { KAFKA_BROKERS, SCHEMA_REGISTRY_URL }, secure, stop: async () => undefined };
}

async function docker(env: NodeJS.ProcessEnv, report: Report): Promise<Backend> {
  if (!(await dockerEngineAnswers(env))) {
    throw new Error('STACK=docker but no Docker engine answers (DOCKER_HOST, /var/run/docker.sock): start one, or use STACK=local');
  }
  // The containers' ports are published on this machine, and Kafka advertises them on 127.0.0.1.
  // testcontainers would otherwise guess the address itself: where it sees /.dockerenv (it then
  // believes it runs in a container) it takes the bridge's gateway, on which nothing is published
  // when the engine publishes on 127.0.0.1 only.
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';
  // Loaded only here: testcontainers is heavy and not needed by the other backends.
  const { dockerStackImages, startDockerStack } = await import('./docker-stack.ts');
  const images = dockerStackImages(env);
  report(`starting Kafka (${images.kafka}) and Apicurio Registry (${images.registry}) containers (testcontainers)`);
  const stack = await startDockerStack(images, stackSettings(env));
  return { kind: 'docker', env: stack.env, secure: stack.secure, stop: () => stack.stop() };
}

async function local(env: NodeJS.ProcessEnv, report: Report): Promise<Backend> {
  const settings = stackSettings(env);
  const result = await up(settings, report);
  return {
    kind: 'local',
    env: result.env,
    secure: secureStackOf(settings),
    // A stack that was up before the tests stays up after them.
    stop: () => (result.started.length > 0 ? down(settings, report, result.started) : Promise.resolve()),
  };
}

export async function startBackend(env: NodeJS.ProcessEnv = process.env, report: Report = () => undefined): Promise<Backend> {
  const kind = await chooseKind(env, () => dockerEngineAnswers(env));
  switch (kind) {
    case 'external':
      return external(env);
    case 'docker':
      return docker(env, report);
    case 'local':
      return local(env, report);
  }
}
