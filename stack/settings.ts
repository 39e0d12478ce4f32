// Where the local stack lives and which ports and versions it uses. Every value can be
// overridden from the environment; the defaults avoid the usual 9092/8081 so that a stack
// started here never collides with a Kafka or registry a developer already runs.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface ComponentSettings {
  readonly version: string;
  readonly port: number;
  /** Maximum Java heap, in MiB. */
  readonly heapMb: number;
}

export interface StackSettings {
  /** Root of everything the stack writes (`STACK_DIR`, default `<project>/.stack`). */
  readonly dir: string;
  /** Unpacked runtimes (`STACK_CACHE_DIR`, default `<dir>/cache`); Maven's ~/.m2 is the download cache behind it. */
  readonly cacheDir: string;
  readonly logDir: string;
  /** Shell lines `KAFKA_BROKERS=…` and `SCHEMA_REGISTRY_URL=…`, written once both answer. */
  readonly envFile: string;
  readonly kafka: ComponentSettings & {
    readonly controllerPort: number;
    /** The SASL_SSL listener (SCRAM-SHA-512 users, the stack's CA). */
    readonly saslSslPort: number;
    /** The SSL listener that requires a client certificate (mutual TLS, no SASL). */
    readonly sslPort: number;
  };
  /** The stack's CA, certificates and SCRAM password. */
  readonly tlsDir: string;
  /** `KEY=value` lines for the secured listener, with the same names as the gateway's settings. */
  readonly secureEnvFile: string;
  readonly registry: ComponentSettings & { readonly managementPort: number };
  /** How long `up` waits for a process to answer before it gives up, in ms. */
  readonly readyTimeoutMs: number;
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${name}=${raw} is not a TCP port: use a whole number from 1 to 65535`);
  }
  return value;
}

export function stackSettings(env: NodeJS.ProcessEnv = process.env): StackSettings {
  const dir = path.resolve(env.STACK_DIR ?? path.join(projectRoot, '.stack'));
  return Object.freeze({
    dir,
    cacheDir: path.resolve(env.STACK_CACHE_DIR ?? path.join(dir, 'cache')),
    logDir: path.join(dir, 'logs'),
    envFile: path.join(dir, 'env'),
    secureEnvFile: path.join(dir, 'env.secure'),
    tlsDir: path.join(dir, 'tls'),
    kafka: Object.freeze({
      version: env.STACK_KAFKA_VERSION ?? '4.4.0',
      port: port(env, 'STACK_KAFKA_PORT', 19092),
      controllerPort: port(env, 'STACK_KAFKA_CONTROLLER_PORT', 19093),
      saslSslPort: port(env, 'STACK_KAFKA_SASL_SSL_PORT', 19094),
      sslPort: port(env, 'STACK_KAFKA_SSL_PORT', 19095),
      heapMb: 1024,
    }),
    registry: Object.freeze({
      version: env.STACK_REGISTRY_VERSION ?? '3.3.3',
      port: port(env, 'STACK_REGISTRY_PORT', 18081),
      managementPort: port(env, 'STACK_REGISTRY_MANAGEMENT_PORT', 19000),
      heapMb: 384,
    }),
    readyTimeoutMs: 120_000,
  });
}

export function kafkaBrokers(settings: StackSettings): string {
  return `127.0.0.1:${settings.kafka.port}`;
}

/** The Confluent-compatible API of Apicurio Registry 3.x. */
export function registryUrl(settings: StackSettings): string {
  return `http://127.0.0.1:${settings.registry.port}/apis/ccompat/v7`;
}
