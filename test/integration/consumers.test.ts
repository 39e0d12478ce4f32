// The sample consumers end to end: webhooks posted to a real gateway produce the expected
// effect in each consumer's database, once, whatever Kafka redelivers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topicFor } from '../../schemas/catalog.ts';
import { startFakeFiles, type FakeFiles } from '../support/fake-cometchat-files.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { startTestConsumers, type TestConsumers } from '../support/consumers.ts';
import { documented, documentedTriggers, extra, extraExamples } from '../support/payloads.ts';
import { readTopics } from '../support/read-topic.ts';
import { testKafka } from '../support/stack-env.ts';
import { waitFor } from '../support/wait-for.ts';

const count = (c: TestConsumers, category: Parameters<TestConsumers['rows']>[0], table: string) =>
  Number(c.rows(category, `SELECT count(*) AS n FROM ${table}`)[0]!.n);

describe('sample consumers, end to end', () => {
  let gw: TestGateway;
  let consumers: TestConsumers;
  let files: FakeFiles;

  beforeAll(async () => {
    files = await startFakeFiles({ appId: 'app-1', apiKey: 'key-1' });
    // No dedupe window: a second delivery reaches Kafka, so the consumers' own idempotency shows.
    gw = await startTestGateway({ DEDUPE_WINDOW_MS: '0' });
    consumers = await startTestConsumers(gw.config.topicPrefix, {
      COMETCHAT_APP_ID: 'app-1',
      COMETCHAT_API_KEY: 'key-1',
      COMETCHAT_FILES_BASE_URL: files.baseUrl,
    });
    for (const trigger of documentedTriggers) expect((await gw.post(documented(trigger))).status).toBe(200);
    for (const { name } of extraExamples) expect((await gw.post(extra(name))).status).toBe(200);
    const withMedia = documented('message_sent');
    const message = (withMedia.data as { message: Record<string, unknown> & { data: Record<string, unknown> } }).message;
    message.id = 'media-1';
    message.type = 'image';
    message.data.url = 'https://files-us.cometchat.io/app-1/media/photo.png';
    expect((await gw.post(withMedia)).status).toBe(200);
    await waitFor(
      () =>
        count(consumers, 'messages', 'processed_events') === 11 &&
        count(consumers, 'users', 'processed_events') === 3 &&
        count(consumers, 'groups', 'processed_events') === 11 &&
        count(consumers, 'calls', 'processed_events') === 15 &&
        count(consumers, 'moderation', 'processed_events') === 5,
      { timeoutMs: 60_000, what: 'every event processed' },
    );
  });

  afterAll(async () => {
    await consumers?.stop();
    await gw?.stop();
    await files?.close();
  });

  it('messages → a feed line per event, and the media link resolved with a file access token', () => {
    const feed = consumers.rows('messages', 'SELECT trigger, summary FROM feed ORDER BY trigger');
    expect(feed.map((r) => r.trigger)).toEqual([
      'message_deleted',
      'message_delivered_to_all',
      'message_delivery_receipt',
      'message_edited',
      'message_reaction_added',
      'message_reaction_removed',
      'message_read_by_all',
      'message_read_receipt',
      'message_sent',
      'message_sent',
      'user_mentioned',
    ]);
    expect(feed).toContainEqual({ trigger: 'message_sent', summary: 'cometchat-uid-1 → cometchat-uid-2: hi' });
    expect(feed).toContainEqual({ trigger: 'message_read_receipt', summary: 'cometchat-uid-2 read message 57' });
    expect(feed).toContainEqual({ trigger: 'message_read_by_all', summary: 'message 385 read by every member of group__1720436412627' });
    const media = consumers.rows('messages', 'SELECT message_id, url, resolved_url, error FROM media');
    expect(media).toEqual([
      { message_id: 'media-1', url: 'https://files-us.cometchat.io/app-1/media/photo.png', resolved_url: expect.stringMatching(/\?fat=token-/), error: null },
    ]);
  });

  it('users → presence with its millisecond timestamp; block then unblock leaves no block', () => {
    expect(consumers.rows('users', 'SELECT * FROM presence')).toEqual([
      { uid: 'cometchat-uid-1', status: 'offline', changed_at_ms: 1696935103114, platform: 'javascript' },
    ]);
    expect(consumers.rows('users', 'SELECT * FROM blocks')).toEqual([]);
  });

  it('groups → the group (deleted at the end) and its members’ roles and states', () => {
    expect(consumers.rows('groups', 'SELECT guid, owner, deleted FROM groups')).toEqual([{ guid: 'cometchat-guid-1', owner: 'cometchat-uid-2', deleted: 1 }]);
    expect(consumers.rows('groups', 'SELECT uid, scope, state FROM memberships ORDER BY uid')).toEqual([
      { uid: 'cometchat-uid-1', scope: 'admin', state: 'member' },
      { uid: 'cometchat-uid-2', scope: 'admin', state: 'unbanned' },
    ]);
  });

  it('calls → the session with initiator, start, end, duration, recording, and its participants', () => {
    const [session] = consumers.rows('calls', 'SELECT * FROM sessions');
    expect(session).toMatchObject({ session_id: '<sessionId>', initiated_by: 'cometchat-uid-1', recording_url: '<recording_url>' });
    expect(session!.duration_s).toBe(Number(session!.ended_at_s) - Number(session!.started_at_s));
    expect(count(consumers, 'calls', 'participants')).toBeGreaterThanOrEqual(3);
  });

  it('moderation → an audit line per decision, with the rule that blocked', () => {
    const audit = consumers.rows('moderation', 'SELECT trigger, decision, decided_by, rule_id FROM audit ORDER BY trigger, decision');
    expect(audit).toEqual([
      { trigger: 'moderation_engine_approved', decision: 'approved', decided_by: 'engine', rule_id: null },
      { trigger: 'moderation_engine_blocked', decision: 'blocked', decided_by: 'engine', rule_id: 'email_filter' },
      {
        trigger: 'moderation_engine_failed',
        decision: 'approved',
        decided_by: 'engine failed (http_5xx); approve-message applied',
        rule_id: 'custom-api-check',
      },
      { trigger: 'moderation_engine_failed', decision: 'blocked', decided_by: 'engine failed (http_5xx); drop-message applied', rule_id: 'image-check' },
      { trigger: 'moderation_manual_approved', decision: 'approved', decided_by: 'moderator', rule_id: 'email_filter' },
    ]);
  });

  it('the same events delivered again → on Kafka twice, applied once', async () => {
    const before = { feed: count(consumers, 'messages', 'feed'), duplicates: consumers.byCategory.messages.runtime.counters.duplicates };
    for (const trigger of ['message_sent', 'message_edited', 'message_reaction_added']) expect((await gw.post(documented(trigger))).status).toBe(200);
    await waitFor(() => consumers.byCategory.messages.runtime.counters.duplicates === before.duplicates + 3, { what: 'three duplicates seen' });
    expect(count(consumers, 'messages', 'feed')).toBe(before.feed);
  });

  it('a record no consumer can decode → in the consumers’ dead-letter topic with the reason; the next record is processed', async () => {
    const producer = testKafka('poison').producer();
    await producer.connect();
    await producer.send({ topic: topicFor('messages', gw.config.topicPrefix), messages: [{ key: 'poison', value: Buffer.from('not avro at all') }] });
    await producer.disconnect();
    const next = documented('message_sent');
    (next.data as { message: Record<string, unknown> }).message.id = 'after-poison';
    expect((await gw.post(next)).status).toBe(200);
    const [dead] = await readTopics([`${gw.config.topicPrefix}.consumers.dlq`], 1);
    expect(dead!.value.toString()).toBe('not avro at all');
    expect(dead!.headers).toMatchObject({
      dlq_reason: 'undecodable',
      dlq_source_topic: topicFor('messages', gw.config.topicPrefix),
      dlq_group: `${gw.config.topicPrefix}.sample.messages`,
    });
    await waitFor(() => consumers.rows('messages', "SELECT 1 FROM feed WHERE message_id = 'after-poison'").length === 1, {
      what: 'the record after the poison one',
    });
  });
});
