// A local stand-in for CometChat's file service with token-based media access:
// GET /<appId>/media/<file>?redirect=0 with headers appId and apiKey → {"data":{"url":"…?fat=…"}}.
import http from 'node:http';

export interface FakeFiles {
  readonly baseUrl: string;
  /** Requests received, by path. */
  readonly hits: string[];
  close(): Promise<void>;
}

export async function startFakeFiles({ appId, apiKey }: { appId: string; apiKey: string }): Promise<FakeFiles> {
  const hits: string[] = [];
  let token = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://fake');
    hits.push(url.pathname);
    if (req.headers.appid !== appId || req.headers.apikey !== apiKey)
      return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"code":"AUTH_ERR_APIKEY_NOT_FOUND"}}');
    if (url.searchParams.get('redirect') !== '0') return void res.writeHead(401).end();
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ data: { url: `https://files-us.cometchat.io${url.pathname}?fat=token-${++token}` } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { baseUrl: `http://127.0.0.1:${port}`, hits, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
