// The paced generator's HTTP/1.1 client: keep-alive connections, one request at a time on each
// (no pipelining), reused first-in first-out so that none sits idle into the server's keep-alive
// timeout. It does what node:http's Agent does for this load at a fraction of the CPU: a request
// is one prepared write, and an answer is read for its status and Content-Length alone (no
// header objects, no streams). On a machine the generator shares with the gateway and Kafka, its
// own CPU and garbage collections are latency it adds to every request behind them.
import net from 'node:net';

/** How a request ended: its HTTP status, or the network error that left it without one. */
export type Outcome = { status: number } | { code: string };

type Done = (outcome: Outcome) => void;

const HEADER_END = Buffer.from('\r\n\r\n');

/** A response's status and framing, from its head (the bytes before the blank line), or why not. */
export function parseHead(head: string): { status: number; contentLength: number; close: boolean } | { error: string } {
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(head);
  if (!status) return { error: 'not an HTTP/1.x status line' };
  const lower = head.toLowerCase();
  if (/\r\ntransfer-encoding:/.test(lower)) return { error: 'a chunked answer (this client reads Content-Length only)' };
  const length = /\r\ncontent-length: *(\d+)/.exec(lower);
  if (!length) return { error: 'an answer without Content-Length' };
  return {
    status: Number(status[1]),
    contentLength: Number(length[1]),
    close: /\r\nconnection: *close/.test(lower) || head.startsWith('HTTP/1.0'),
  };
}

class Connection {
  readonly socket: net.Socket;
  private done: Done | undefined;
  private received: Buffer[] = [];
  private receivedBytes = 0;
  private expected = -1; // bytes of head and body together, once the head is read
  private status = 0;
  private close = false;
  private readonly onIdle: (c: Connection) => void;
  private readonly onGone: (c: Connection) => void;

  constructor({ host, port }: { host: string; port: number }, onIdle: (c: Connection) => void, onGone: (c: Connection) => void) {
    this.onIdle = onIdle;
    this.onGone = onGone;
    this.socket = net.connect({ host, port, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => this.read(chunk));
    this.socket.on('error', (err: NodeJS.ErrnoException) => this.end({ code: err.code ?? 'ERR_SOCKET' }));
    // The server closed it: a request in flight is answered by no one (as node:http says, ECONNRESET).
    this.socket.on('close', () => this.end({ code: 'ECONNRESET' }));
  }

  get busy(): boolean {
    return this.done !== undefined;
  }

  send(request: string, done: Done): void {
    this.done = done;
    this.socket.write(request);
  }

  private read(chunk: Buffer): void {
    if (!this.done) {
      this.end({ code: 'ERR_UNEXPECTED_BYTES' });
      return;
    }
    this.received.push(chunk);
    this.receivedBytes += chunk.length;
    if (this.expected < 0) {
      const all = this.received.length === 1 ? chunk : Buffer.concat(this.received);
      this.received = [all];
      const at = all.indexOf(HEADER_END);
      if (at < 0) return;
      const head = parseHead(all.toString('latin1', 0, at));
      if ('error' in head) {
        this.end({ code: `ERR_RESPONSE: ${head.error}` });
        return;
      }
      this.status = head.status;
      this.close = head.close;
      this.expected = at + HEADER_END.length + head.contentLength;
    }
    if (this.receivedBytes < this.expected) return;
    if (this.receivedBytes > this.expected) {
      this.end({ code: 'ERR_UNEXPECTED_BYTES' });
      return;
    }
    const done = this.done;
    this.done = undefined;
    this.received = [];
    this.receivedBytes = 0;
    this.expected = -1;
    if (this.close) this.retire();
    done({ status: this.status });
    if (!this.close) this.onIdle(this);
  }

  /** Ends the request in flight, if any, with `outcome`, and drops the connection. */
  private end(outcome: Outcome): void {
    const done = this.done;
    this.done = undefined;
    this.retire();
    done?.(outcome);
  }

  private retire(): void {
    this.socket.destroy();
    this.onGone(this);
  }
}

/** A first-in first-out queue that drops what it has handed out once that is most of it. */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++]!;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

/** At most `maxConnections` keep-alive connections to one server; requests beyond wait in order. */
export class KeepAlivePool {
  private readonly idle = new Fifo<Connection>();
  private readonly all = new Set<Connection>();
  private readonly waiting = new Fifo<{ request: string; done: Done }>();
  /** The most connections open at once. */
  peakConnections = 0;
  private readonly target: { host: string; port: number; maxConnections: number };

  constructor(target: { host: string; port: number; maxConnections: number }) {
    this.target = target;
  }

  /** Sends a prepared request (head and body) and calls `done` with how it ended. */
  request(request: string, done: Done): void {
    const connection = this.takeIdle() ?? this.open();
    if (connection) connection.send(request, done);
    else this.waiting.push({ request, done });
  }

  destroy(): void {
    for (const connection of this.all) connection.socket.destroy();
  }

  /** The connection idle longest that is still open (one the server closed is skipped). */
  private takeIdle(): Connection | undefined {
    for (let connection = this.idle.shift(); connection; connection = this.idle.shift()) {
      if (this.all.has(connection)) return connection;
    }
    return undefined;
  }

  private open(): Connection | undefined {
    if (this.all.size >= this.target.maxConnections) return undefined;
    const connection = new Connection(
      this.target,
      (c) => this.released(c),
      (c) => this.gone(c),
    );
    this.all.add(connection);
    this.peakConnections = Math.max(this.peakConnections, this.all.size);
    return connection;
  }

  private released(connection: Connection): void {
    const next = this.waiting.shift();
    if (next) connection.send(next.request, next.done);
    else this.idle.push(connection);
  }

  private gone(connection: Connection): void {
    if (!this.all.delete(connection)) return;
    // A request waiting for a connection gets a new one in place of the one that closed.
    if (this.waiting.size === 0) return;
    const replacement = this.open()!;
    const next = this.waiting.shift()!;
    replacement.send(next.request, next.done);
  }
}

/** POSTs to one path with the same headers: the head is written once, each request adds its body. */
export function poster({ host, port, path, headers }: { host: string; port: number; path: string; headers: Record<string, string> }): (body: string) => string {
  let head = `POST ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  return (body) => `${head}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}
