// A TLS front for the schema registry that requires HTTP Basic credentials, as a hosted registry
// does (Confluent Cloud: an API key and secret over https). It forwards what it accepts to the
// test stack's registry unchanged; what it refuses gets the 401 a Confluent registry answers.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface RegistryFront {
  /** The front's Confluent-compatible API root (https, same path as the registry's). */
  readonly url: string;
  readonly refused: () => number;
  close(): Promise<void>;
}

export async function startRegistryFront({
  registryUrl,
  certFile,
  keyFile,
  username,
  password,
}: {
  registryUrl: string;
  certFile: string;
  keyFile: string;
  username: string;
  password: string;
}): Promise<RegistryFront> {
  const target = new URL(registryUrl);
  const expected = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  let refused = 0;
  const server = https.createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (req, res) => {
    if (req.headers.authorization !== expected) {
      refused++;
      res.writeHead(401, { 'content-type': 'application/vnd.schemaregistry.v1+json', 'www-authenticate': 'Basic realm="registry"' });
      res.end(JSON.stringify({ error_code: 401, message: 'Unauthorized' }));
      return;
    }
    const { authorization: _, host: __, ...headers } = req.headers;
    const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    // The registry unreachable: a 502, as a proxy answers; cut off mid-answer: the connection drops.
    upstream.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}${target.pathname.replace(/\/$/, '')}`,
    refused: () => refused,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
