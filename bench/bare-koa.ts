// The HTTP ceiling: a bare Koa app on the same Node that reads the body and answers 200 with a
// body of the gateway's shape, written the way the gateway writes it (type set, text body), so
// the ceiling is not lowered by costs the gateway avoids. Same keep-alive as the gateway;
// nothing else.
import http from 'node:http';
import Koa from 'koa';

const app = new Koa();
app.use(async (ctx) => {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  ctx.set('Content-Type', 'application/json; charset=utf-8');
  ctx.body = `{"status":"accepted","bytes":${String(Buffer.concat(chunks).length).padStart(36)}}`;
});
const server = http.createServer({ keepAliveTimeout: 5000 }, app.callback());
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
