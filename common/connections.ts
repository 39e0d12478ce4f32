// How every program connects to Kafka and to the schema registry: the gateway, the sample
// consumers, the schemas CLI and the benchmarks read the same settings through this module, so a
// setting works the same everywhere. Kafka's own names for the security protocols; secrets can
// come from files (`*_FILE`); nothing here ever puts a secret into a message.
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import { brokerList, type EnvReader, httpUrl } from './config-reader.ts';

export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];
/** What kafkajs can do with a user name and password. (OAUTHBEARER needs a token provider, AWS_MSK_IAM a plugin: neither is offered.) */
export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

export interface KafkaConnection {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly securityProtocol: SecurityProtocol;
  /** For SSL and SASL_SSL: the CA bundle to trust (the system's when absent), and a client certificate for mutual TLS. */
  readonly tls: { readonly ca?: Buffer; readonly cert?: Buffer; readonly key?: Buffer; readonly keyPassword?: string } | undefined;
  /** For SASL_PLAINTEXT and SASL_SSL. */
  readonly sasl: { readonly mechanism: SaslMechanism; readonly username: string; readonly password: string } | undefined;
}

export interface RegistryConnection {
  /** The Confluent-compatible API root, without a trailing slash. */
  readonly url: string;
  /** Per request. */
  readonly timeoutMs: number;
  /** HTTP Basic: Confluent Cloud's API key and secret, or a user and password. */
  readonly auth: { readonly username: string; readonly password: string } | undefined;
  /** A CA bundle to trust for an https URL (the system's when absent). */
  readonly ca: Buffer | undefined;
}

export interface Connections {
  readonly kafka: KafkaConnection;
  readonly registry: RegistryConnection;
}

/** Reads every connection setting, recording problems in `read` (so a bad start lists them all). */
export function readConnections(read: EnvReader, { clientId }: { clientId: string }): Connections {
  return { kafka: readKafkaConnection(read, { clientId }), registry: readRegistryConnection(read) };
}

export function readKafkaConnection(read: EnvReader, { clientId }: { clientId: string }): KafkaConnection {
  const { problems } = read;
  const brokers = brokerList(read);
  const securityProtocol = read.oneOf('KAFKA_SECURITY_PROTOCOL', 'PLAINTEXT', SECURITY_PROTOCOLS);
  const usesTls = securityProtocol === 'SSL' || securityProtocol === 'SASL_SSL';
  const usesSasl = securityProtocol === 'SASL_PLAINTEXT' || securityProtocol === 'SASL_SSL';

  const ca = read.file('KAFKA_SSL_CA_FILE');
  const cert = read.file('KAFKA_SSL_CERT_FILE');
  const key = read.file('KAFKA_SSL_KEY_FILE');
  const keyPassword = read.secret('KAFKA_SSL_KEY_PASSWORD');
  if (Boolean(read.text('KAFKA_SSL_CERT_FILE', '')) !== Boolean(read.text('KAFKA_SSL_KEY_FILE', ''))) {
    problems.push('KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together: both for mutual TLS, or neither');
  }
  if (!usesTls && (ca || cert || key))
    problems.push(`KAFKA_SSL_* files are set but KAFKA_SECURITY_PROTOCOL=${securityProtocol} does not use TLS: set it to SSL or SASL_SSL`);

  const mechanismText = read.text('KAFKA_SASL_MECHANISM', '');
  const username = read.text('KAFKA_SASL_USERNAME', '');
  const password = read.secret('KAFKA_SASL_PASSWORD');
  let sasl: KafkaConnection['sasl'];
  if (usesSasl) {
    const mechanism = mechanismText.toLowerCase() as SaslMechanism;
    if (!SASL_MECHANISMS.includes(mechanism))
      problems.push(
        `KAFKA_SASL_MECHANISM=${mechanismText || '(unset)'} must be one of ${SASL_MECHANISMS.join(', ')} with KAFKA_SECURITY_PROTOCOL=${securityProtocol}`,
      );
    if (!username) problems.push(`KAFKA_SASL_USERNAME is required with KAFKA_SECURITY_PROTOCOL=${securityProtocol}`);
    if (!password) problems.push(`KAFKA_SASL_PASSWORD (or KAFKA_SASL_PASSWORD_FILE) is required with KAFKA_SECURITY_PROTOCOL=${securityProtocol}`);
    sasl = { mechanism, username, password: password ?? '' };
  } else if (mechanismText || username || password) {
    problems.push(`KAFKA_SASL_* settings are set but KAFKA_SECURITY_PROTOCOL=${securityProtocol} does not use SASL: set it to SASL_SSL or SASL_PLAINTEXT`);
  }

  return {
    brokers,
    clientId: read.text('KAFKA_CLIENT_ID', clientId),
    securityProtocol,
    tls: usesTls ? { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}), ...(keyPassword ? { keyPassword } : {}) } : undefined,
    sasl,
  };
}

export function readRegistryConnection(read: EnvReader): RegistryConnection {
  const { problems } = read;
  const url = httpUrl(read, 'SCHEMA_REGISTRY_URL');
  const registryUser = read.text('SCHEMA_REGISTRY_USERNAME', '');
  const registryPassword = read.secret('SCHEMA_REGISTRY_PASSWORD');
  if (Boolean(registryUser) !== Boolean(registryPassword))
    problems.push('SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD (or _FILE) go together (for Confluent Cloud: the API key and its secret)');
  const registryCa = read.file('SCHEMA_REGISTRY_CA_FILE');
  if (registryCa && url && !url.startsWith('https://')) problems.push('SCHEMA_REGISTRY_CA_FILE is set but SCHEMA_REGISTRY_URL is not https');

  return {
    url,
    timeoutMs: read.int('SCHEMA_REGISTRY_TIMEOUT_MS', 10_000, { min: 100, max: 120_000 }, 'ms'), // 10 s
    auth: registryUser && registryPassword ? { username: registryUser, password: registryPassword } : undefined,
    ca: registryCa,
  };
}

/** The part of a kafkajs client's configuration that says where and how to connect. */
export function kafkaClientConfig(kafka: KafkaConnection): Pick<KafkaConfig, 'brokers' | 'clientId' | 'ssl' | 'sasl'> {
  const { tls, sasl } = kafka;
  return {
    brokers: [...kafka.brokers],
    clientId: kafka.clientId,
    ...(tls
      ? {
          ssl: {
            ...(tls.ca ? { ca: [tls.ca] } : {}),
            ...(tls.cert ? { cert: tls.cert } : {}),
            ...(tls.key ? { key: tls.key } : {}),
            ...(tls.keyPassword ? { passphrase: tls.keyPassword } : {}),
          },
        }
      : {}),
    ...(sasl ? { sasl: { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } as SASLOptions } : {}),
  };
}

/** Every secret the connections hold, for log audits. */
export function connectionSecrets({ kafka, registry }: Connections): string[] {
  return [kafka.sasl?.password, kafka.tls?.keyPassword, registry.auth?.password].filter((s): s is string => Boolean(s));
}
