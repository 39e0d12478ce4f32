// Certificates for the local stack's secured listeners, made once with openssl: a CA, a broker
// certificate for 127.0.0.1 and localhost (also good for any local TLS front), and a client
// certificate for mutual TLS. Local test material only: nothing here is a production secret.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface StackTls {
  readonly dir: string;
  /** The CA certificate clients trust. */
  readonly caFile: string;
  /** The broker's certificate and key as PKCS#12, for Kafka's keystore. */
  readonly brokerKeystore: string;
  readonly keystorePassword: string;
  /** The broker's certificate and key as PEM, for a local TLS front (the registry's, in tests). */
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  /** A client certificate and key signed by the CA (mutual TLS). */
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
  /** The SCRAM-SHA-512 user of the SASL_SSL listener, and the file that holds its password. */
  readonly saslUser: string;
  readonly saslPasswordFile: string;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error('openssl is needed to make the local stack’s certificates: install it (Debian: apt-get install openssl)');
    throw new Error(`openssl ${args[0]} failed: ${stderr ?? (err as Error).message}`);
  }
}

/** A certificate signed by the CA, with its key; `extensions` in openssl's extfile syntax. */
function signed(dir: string, name: string, subject: string, extensions: string): void {
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
  writeFileSync(path.join(dir, `${name}.ext`), `${extensions}\n`);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '3650',
      '-extfile',
      `${name}.ext`,
    ],
    dir,
  );
  rmSync(path.join(dir, `${name}.csr`));
  rmSync(path.join(dir, `${name}.ext`));
}

/** A self-signed CA (ca.pem, ca.key) in `dir`. */
export function makeCa(dir: string, subject = '/CN=cometchat-gateway local stack CA'): string {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '3650', '-subj', subject], dir);
  return path.join(dir, 'ca.pem');
}

/** The stack's certificates and SCRAM password under `dir`, made on first use. */
export function ensureStackTls(dir: string): StackTls {
  const tls: StackTls = {
    dir,
    caFile: path.join(dir, 'ca.pem'),
    brokerKeystore: path.join(dir, 'broker.p12'),
    keystorePassword: '',
    serverCertFile: path.join(dir, 'broker.pem'),
    serverKeyFile: path.join(dir, 'broker.key'),
    clientCertFile: path.join(dir, 'client.pem'),
    clientKeyFile: path.join(dir, 'client.key'),
    saslUser: 'gateway',
    saslPasswordFile: path.join(dir, 'kafka-sasl-password'),
  };
  const passwordFile = path.join(dir, 'keystore-password');
  if (!existsSync(path.join(dir, 'complete'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    makeCa(dir);
    signed(dir, 'broker', '/CN=localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth');
    signed(dir, 'client', '/CN=gateway', 'extendedKeyUsage=clientAuth');
    const keystorePassword = randomBytes(12).toString('hex');
    writeFileSync(passwordFile, keystorePassword, { mode: 0o600 });
    openssl(
      ['pkcs12', '-export', '-in', 'broker.pem', '-inkey', 'broker.key', '-certfile', 'ca.pem', '-out', 'broker.p12', '-passout', `pass:${keystorePassword}`],
      dir,
    );
    writeFileSync(tls.saslPasswordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
    writeFileSync(path.join(dir, 'complete'), '');
  }
  return { ...tls, keystorePassword: readFileSync(passwordFile, 'utf8') };
}

export function saslPassword(tls: StackTls): string {
  return readFileSync(tls.saslPasswordFile, 'utf8');
}
