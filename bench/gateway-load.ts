// npm run bench:gateway -- --url URL --user U --password P [--seconds 10] [--connections 50]
// A first load run against a running gateway: message_sent events, each with its own message
// id (so none is a duplicate), valid Basic auth, autocannon on loopback. Reports requests/s,
// latency percentiles and every non-200. (The full harness with its ceilings is its own issue.)
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCli } from '../common/cli-args.ts';
import { projectRoot } from '../stack/settings.ts';

const { values } = parseCli(
  `usage: npm run bench:gateway -- [--url URL] [--user U --password P] [--seconds 10] [--connections 50]
Closed-loop load (autocannon) of distinct message_sent events against a running gateway.
`,
  {
    url: { type: 'string', default: 'http://127.0.0.1:8080/webhooks/cometchat' },
    user: { type: 'string', default: process.env.WEBHOOK_USERNAME },
    password: { type: 'string', default: process.env.WEBHOOK_PASSWORD },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
  },
);

const template = readFileSync(path.join(projectRoot, 'schemas', 'examples', 'message_sent.json'), 'utf8');
const prefix = `load-${Date.now().toString(36)}-`;
let n = 0;

const result = await autocannon({
  url: values.url!,
  method: 'POST',
  connections: Number(values.connections),
  duration: Number(values.seconds),
  headers: {
    'content-type': 'application/json',
    authorization: `Basic ${Buffer.from(`${values.user}:${values.password}`).toString('base64')}`,
  },
  requests: [{ setupRequest: (req) => ({ ...req, body: template.replace('"id": "1"', `"id": "${prefix}${n++}"`) }) }],
});

const summary = {
  connections: Number(values.connections),
  seconds: Number(values.seconds),
  requestsPerSecond: result.requests.average,
  latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
  total: result.requests.total,
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
