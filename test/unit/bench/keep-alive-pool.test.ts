// The load generator's HTTP client, against real node:http servers on loopback: what it reports
// is what the server answered, it reuses its connections, replaces those the server closes, and
// reports a request no one answered by its network error.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { KeepAlivePool, type Outcome, parseHead, poster } from '../../../bench/keep-alive-pool.ts';
import { paced } from '../../../bench/paced.ts';

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(handler: http.RequestListener, options: http.ServerOptions = {}): Promise<{ port: number; connections: () => number }> {
  const server = http.createServer(options, handler);
  let connections = 0;
  server.on('connection', () => connections++);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, connections: () => connections };
}

/** Reads the body and answers its length and the status the request asked for (x-status). */
const echo: http.RequestListener = (req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk));
  req.on('end', () => {
    res.statusCode = Number(req.headers['x-status'] ?? 200);
    res.end(JSON.stringify({ received: body, length: Buffer.byteLength(body), auth: req.headers.authorization }));
  });
};

function send(pool: KeepAlivePool, port: number, body: string, headers: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve) => pool.request(poster({ host: '127.0.0.1', port, path: '/hook', headers })(body), resolve));
}

describe('the load generator HTTP client', () => {
  it('a response head → its status, Content-Length and whether the server closes; framing it cannot read → said so', () => {
    expect(parseHead('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 42')).toEqual({ status: 200, contentLength: 42, close: false });
    expect(parseHead('HTTP/1.1 413 Payload Too Large\r\nConnection: close\r\nContent-Length: 0')).toEqual({ status: 413, contentLength: 0, close: true });
    expect(parseHead('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked')).toEqual({ error: expect.stringContaining('chunked') });
    expect(parseHead('HTTP/1.1 204 No Content\r\nDate: x')).toEqual({ error: expect.stringContaining('Content-Length') });
    expect(parseHead('SSH-2.0-OpenSSH')).toEqual({ error: expect.stringContaining('status line') });
  });

  it('requests with bodies and headers → the server gets each intact and the client each status, on at most maxConnections connections', async () => {
    const received: { body: string; auth: string | undefined }[] = [];
    const server = await serve((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        received.push({ body, auth: req.headers.authorization });
        res.statusCode = Number(req.headers['x-status']);
        res.end('{}');
      });
    });
    const pool = new KeepAlivePool({ host: '127.0.0.1', port: server.port, maxConnections: 3 });
    const bodies = Array.from({ length: 40 }, (_, i) => JSON.stringify({ n: i, text: 'é'.repeat(i) }));
    const status = (i: number) => (i % 5 === 0 ? 401 : 200);
    const outcomes = await Promise.all(bodies.map((body, i) => send(pool, server.port, body, { authorization: 'Basic dTpw', 'x-status': String(status(i)) })));
    pool.destroy();
    expect(outcomes).toEqual(bodies.map((_, i) => ({ status: status(i) })));
    expect(received.map((r) => r.body).sort()).toEqual([...bodies].sort());
    expect(new Set(received.map((r) => r.auth))).toEqual(new Set(['Basic dTpw']));
    expect(server.connections()).toBe(3);
    expect(pool.peakConnections).toBe(3);
  });

  it('an answer in pieces (head, then the body in parts) → read whole, and the connection used again', async () => {
    const server = await serve((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(202, { 'Content-Length': 10 });
        res.flushHeaders();
        setTimeout(() => res.write('01234'), 5);
        setTimeout(() => res.end('56789'), 10);
      });
    });
    const pool = new KeepAlivePool({ host: '127.0.0.1', port: server.port, maxConnections: 1 });
    expect(await send(pool, server.port, '{}')).toEqual({ status: 202 });
    expect(await send(pool, server.port, '{}')).toEqual({ status: 202 });
    pool.destroy();
    expect(server.connections()).toBe(1);
  });

  it('answers with Connection: close → each connection dropped after its answer, a new one for the next request', async () => {
    const server = await serve((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { Connection: 'close', 'Content-Length': 2 }).end('ok'));
    });
    const pool = new KeepAlivePool({ host: '127.0.0.1', port: server.port, maxConnections: 2 });
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => send(pool, server.port, '{}')));
    pool.destroy();
    expect(outcomes).toEqual(Array(6).fill({ status: 200 }));
    expect(server.connections()).toBe(6);
  });

  it('idle connections the server closed (its keep-alive timeout) → not reused; the next requests open new ones', async () => {
    // Node ≥ 24 adds keepAliveTimeoutBuffer (1 s by default) to the timeout; none here.
    const server = await serve(echo, { keepAliveTimeout: 50, keepAliveTimeoutBuffer: 0 } as http.ServerOptions);
    const pool = new KeepAlivePool({ host: '127.0.0.1', port: server.port, maxConnections: 2 });
    expect(await Promise.all([send(pool, server.port, 'a'), send(pool, server.port, 'b')])).toEqual([{ status: 200 }, { status: 200 }]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await Promise.all([send(pool, server.port, 'c'), send(pool, server.port, 'd')])).toEqual([{ status: 200 }, { status: 200 }]);
    pool.destroy();
    expect(server.connections()).toBe(4);
  });

  it('a connection the server drops before answering → that request reports the network error; the others are answered', async () => {
    let n = 0;
    const server = await serve((req, res) => {
      req.resume();
      req.on('end', () => (n++ === 1 ? req.socket.destroy() : res.end('ok')));
    });
    const pool = new KeepAlivePool({ host: '127.0.0.1', port: server.port, maxConnections: 1 });
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push(await send(pool, server.port, '{}'));
    pool.destroy();
    expect(outcomes).toEqual([{ status: 200 }, { code: 'ECONNRESET' }, { status: 200 }]);
  });

  it('nothing listening → every request reports ECONNREFUSED', async () => {
    const server = await serve(echo);
    const port = server.port;
    servers[0]!.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const pool = new KeepAlivePool({ host: '127.0.0.1', port, maxConnections: 2 });
    expect(await Promise.all([send(pool, port, 'a'), send(pool, port, 'b'), send(pool, port, 'c')])).toEqual(Array(3).fill({ code: 'ECONNREFUSED' }));
    pool.destroy();
  });
});

/** Reads the body, then answers `{}` after `ms`. */
const answerAfter =
  (ms: number): http.RequestListener =>
  (req, res) => {
    req.resume();
    req.on('end', () => setTimeout(() => res.end('{}'), ms));
  };

describe('the paced generator', () => {
  it('a rate below what the server takes → every counted request sent and answered, latencies at least the server time', async () => {
    const server = await serve(answerAfter(5));
    const result = await paced({
      url: `http://127.0.0.1:${server.port}/hook`,
      rate: 200,
      seconds: 1,
      warmupSeconds: 0.25,
      headers: { 'content-type': 'application/json' },
      body: (n) => JSON.stringify({ n }),
      connections: 4,
    });
    expect(result).toMatchObject({ requests: 200, sent: 250, errors: 0, non2xx: 0 });
    expect(result.latencyMs.p50).toBeGreaterThanOrEqual(5);
  });

  it('a rate beyond what the connections can carry → requests wait, and their latency counts from when they were due (no coordinated omission)', async () => {
    const server = await serve(answerAfter(20));
    // One connection, 20 ms a request: 50 a second at most, against 100 due.
    const result = await paced({
      url: `http://127.0.0.1:${server.port}/hook`,
      rate: 100,
      seconds: 1,
      warmupSeconds: 0,
      headers: {},
      body: () => '{}',
      connections: 1,
      maxConnections: 1,
    });
    expect(result.errors).toBe(0);
    expect(server.connections()).toBe(1);
    // The last request was due at ~1 s and sent after ~100 × 20 ms = 2 s: about a second late.
    expect(result.latencyMs.max).toBeGreaterThan(700);
  });
});
