// The HTTP ceiling: a bare Koa app on the same Node that reads the body and answers 200.
// Same port handling and keep-alive as the gateway; nothing else.
import http from 'node:http';
import Koa from 'koa';

const app = new Koa();
app.use(async (ctx) => {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  ctx.status = 200;
  ctx.body = { status: 'accepted', bytes: Buffer.concat(chunks).length };
});
const server = http.createServer({ keepAliveTimeout: 5000 }, app.callback());
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
