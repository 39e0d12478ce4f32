// HTTP or HTTPS (TLS 1.2+) around the app, with the limits that keep slow or greedy clients
// from holding the gateway: header size, header and request time, keep-alive, connections.
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type Koa from 'koa';
import type { GatewayConfig } from '../config.ts';

export type GatewayServer = http.Server | https.Server;

export function createServer(config: GatewayConfig, app: Koa): GatewayServer {
  const options: http.ServerOptions = {
    maxHeaderSize: config.maxHeaderBytes,
    requestTimeout: config.requestTimeoutMs,
    headersTimeout: config.headersTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    // Node enforces the two timeouts above only when it sweeps connections (every 30 s by
    // default): sweep often enough that a slow client is cut off close to its deadline.
    connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(config.headersTimeoutMs / 2))),
  };
  const server = config.tls
    ? https.createServer({ ...options, cert: config.tls.cert, key: config.tls.key, minVersion: 'TLSv1.2' }, app.callback())
    : http.createServer(options, app.callback());
  server.maxConnections = config.maxConnections;
  return server;
}

export function listen(server: GatewayServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** Stops accepting connections and waits (at most graceMs) for open requests to finish. */
export function closeServer(server: GatewayServer, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.closeAllConnections();
      resolve();
    }, graceMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
    // Keep-alive connections that become idle from now on are closed too.
    server.on('request', (_req, res) => res.setHeader('Connection', 'close'));
    (server as unknown as { on(event: 'connection', fn: (s: Socket) => void): void }).on('connection', (socket) => socket.destroy());
  });
}
