// The container's health check (the Dockerfile's HEALTHCHECK): asks this gateway's /readyz on
// the port and scheme it serves, as PORT and TLS_CERT_FILE set them. Exit 0 when ready.
import http from 'node:http';
import https from 'node:https';

const port = Number(process.env.PORT || 8080);
const tls = Boolean(process.env.TLS_CERT_FILE);
// Loopback, to the gateway's own certificate, which names the public host, not 127.0.0.1.
const request = (tls ? https : http).get({ host: '127.0.0.1', port, path: '/readyz', timeout: 2500, rejectUnauthorized: false }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
request.once('timeout', () => request.destroy(new Error('timed out')));
request.once('error', (err) => {
  process.stderr.write(`healthcheck: ${tls ? 'https' : 'http'}://127.0.0.1:${port}/readyz: ${err.message}\n`);
  process.exit(1);
});
