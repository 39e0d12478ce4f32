// Every way a request can be refused, each checked to publish nothing; and the events that
// cannot go to a category topic, kept on the unrouted and dead-letter topics.
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { basic, startTestGateway, type TestGateway } from '../support/gateway.ts';
import { documented } from '../support/payloads.ts';
import { readTopics } from '../support/read-topic.ts';

describe('gateway: refusals publish nothing', () => {
  let gw: TestGateway;
  let before: Record<string, number>;

  beforeAll(async () => {
    gw = await startTestGateway({ MAX_BODY_BYTES: '4096' });
  });
  afterAll(() => gw?.stop());
  beforeEach(async () => {
    before = await gw.counts();
  });
  const expectNothingPublished = async () => expect(await gw.counts()).toEqual(before);

  async function expectError(res: Response, status: number, code: string): Promise<void> {
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
  }

  it('no credentials, wrong password, unknown user, malformed header, other scheme → the same 401 with WWW-Authenticate', async () => {
    const attempts = [
      null,
      basic(gw.username, 'wrong'),
      basic('someone', gw.password),
      'Basic !!!notbase64',
      `Basic ${Buffer.from('no-colon').toString('base64')}`,
      'Bearer abc',
    ];
    const bodies = new Set<string>();
    for (const auth of attempts) {
      const res = await gw.post(documented('message_sent'), { auth });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      bodies.add(await res.text());
    }
    expect(bodies.size).toBe(1);
    await expectNothingPublished();
  });

  it('a body that is not JSON by content type → 415', async () => {
    await expectError(await gw.post(documented('message_sent'), { contentType: 'text/plain' }), 415, 'unsupported_media_type');
    await expectError(await gw.post('a=1', { contentType: 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
    await expectNothingPublished();
  });

  it('a compressed body or a charset other than UTF-8 → 415 naming it', async () => {
    const gzipped = await fetch(gw.url, {
      method: 'POST',
      headers: { authorization: basic(gw.username, gw.password), 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify(documented('message_sent'))),
    });
    expect(gzipped.status).toBe(415);
    expect(await gzipped.json()).toMatchObject({ error: { code: 'unsupported_media_type', message: expect.stringContaining('Content-Encoding gzip') } });
    const latin1 = await gw.post(documented('message_sent'), { contentType: 'application/json; charset=iso-8859-1' });
    expect(latin1.status).toBe(415);
    expect(await latin1.json()).toMatchObject({ error: { code: 'unsupported_media_type', message: expect.stringContaining('charset iso-8859-1') } });
    // UTF-8 named explicitly is JSON's own encoding.
    const utf8 = await gw.post({ ...documented('message_sent'), webhook: 'charset-utf8' }, { contentType: 'application/json; charset=UTF-8' });
    expect(utf8.status).toBe(200);
    const after = await gw.counts();
    expect(Object.keys(after).reduce((n, topic) => n + after[topic]! - before[topic]!, 0)).toBe(1);
  });

  it('a body over MAX_BODY_BYTES → 413, whether Content-Length says so or the bytes do', async () => {
    await expectError(await gw.post({ trigger: 'message_sent', pad: 'x'.repeat(5000) }), 413, 'payload_too_large');
    // Chunked, no Content-Length: counted while read.
    const chunked = await fetch(gw.url, {
      method: 'POST',
      headers: { authorization: basic(gw.username, gw.password), 'content-type': 'application/json' },
      body: ReadableStream.from([Buffer.from('{"trigger":"message_sent","pad":"'), Buffer.from('x'.repeat(5000)), Buffer.from('"}')]),
      duplex: 'half',
    } as RequestInit);
    await expectError(chunked, 413, 'payload_too_large');
    await expectNothingPublished();
  });

  it('malformed JSON → 400 malformed_json', async () => {
    await expectError(await gw.post('{"trigger": "message_sent", '), 400, 'malformed_json');
    await expectNothingPublished();
  });

  it('no trigger, or not a string → 400 trigger_missing; not an object → 400 payload_not_object', async () => {
    await expectError(await gw.post({ data: {} }), 400, 'trigger_missing');
    await expectError(await gw.post({ trigger: 42 }), 400, 'trigger_missing');
    await expectError(await gw.post('[1,2]'), 400, 'payload_not_object');
    await expectError(await gw.post('"message_sent"'), 400, 'payload_not_object');
    await expectNothingPublished();
  });

  it('another path → 404; GET on the webhook → 405 with Allow: POST', async () => {
    const base = gw.url.replace(gw.config.webhookPath, '');
    await expectError(await fetch(`${base}/webhooks/other`, { method: 'POST' }), 404, 'not_found');
    const res = await fetch(gw.url);
    expect(res.headers.get('allow')).toBe('POST');
    await expectError(res, 405, 'method_not_allowed');
    await expectNothingPublished();
  });
});

describe('gateway: events kept outside the category topics', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw?.stop());

  it('an unknown trigger → 200, published unchanged to the unrouted topic', async () => {
    const body = JSON.stringify({ trigger: 'message_pinned', data: { message: { id: '9' } }, appId: 'app', webhook: 'wh' });
    const res = await gw.post(body);
    expect(res.status).toBe(200);
    const [record] = await readTopics([gw.config.unroutedTopic], 1);
    expect(record!.value.toString()).toBe(body);
    expect(record!.headers).toMatchObject({
      ce_type: 'com.cometchat.webhook.message_pinned',
      'content-type': 'application/json',
      ce_source: '/cometchat/apps/app/webhooks/wh',
    });
  });

  it('a known trigger that cannot be converted → 200, on the dead-letter topic with the error code and paths', async () => {
    const payload = documented('call_ended');
    delete (payload.data as Record<string, unknown>).sessionId;
    const res = await gw.post(payload);
    expect(res.status).toBe(200);
    const [record] = await readTopics([gw.config.dlqTopic], 1);
    expect(JSON.parse(record!.value.toString())).toEqual(payload);
    expect(record!.headers).toMatchObject({ error_code: 'identity_invalid', error_paths: '/data/sessionId' });
    expect(record!.headers.error_message).toMatch(/\/data\/sessionId: expected a non-empty string, found nothing/);
    const counts = await gw.counts();
    expect(counts[`${gw.config.topicPrefix}.calls`]).toBe(0);
  });
});
