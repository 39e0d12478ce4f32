// npm run replay against the real stack: events a gateway could not place (a trigger its
// catalogue did not know, a contract bug that dead-lettered them) moved to their category topics
// by the current catalogue, with the event ids they would have had; run twice, or killed and run
// again, nothing is lost and no event id is added twice; a dry run moves nothing.
import { afterAll, describe, expect, it } from 'vitest';
import { TRIGGERS, type TriggerSpec, topicFor } from '../../schemas/catalog.ts';
import { loadContract } from '../../schemas/contract.ts';
import type { JsonObject } from '../../schemas/json-path.ts';
import { contract } from '../support/contract.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { extra } from '../support/payloads.ts';
import { readAll } from '../support/read-topic.ts';
import { type NodeRun, runNode } from '../support/run-node.ts';
import { stackEnv } from '../support/stack-env.ts';
import { waitFor } from '../support/wait-for.ts';

/** The catalogue of a gateway that did not know a trigger yet, or had another entry for it. */
const catalogueWith = (change: (spec: TriggerSpec) => TriggerSpec | undefined) =>
  loadContract({ specs: [...TRIGGERS.values()].map(change).filter((s): s is TriggerSpec => s !== undefined) });

function transcription(n: number): JsonObject {
  const payload = extra('transcription_generated');
  (payload.data as JsonObject).tid = `tid-${n}`;
  (payload.data as JsonObject).sessionId = `session-${n % 7}`;
  return payload;
}

function runReplay(prefix: string, args: string[]): NodeRun {
  return runNode('gateway/replay/main.ts', args, { ...stackEnv(), TOPIC_PREFIX: prefix });
}
/** A replay run to its end; one still running after a minute is killed and its output shown. */
async function replayed(prefix: string, args: string[]): Promise<string> {
  const run = runReplay(prefix, args);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), 60_000);
  const code = await run.exit.finally(() => clearTimeout(timer));
  expect(code, `replay ${args.join(' ')} (killed after 60 s if null):\n${run.output()}`).toBe(0);
  return run.output();
}

describe('npm run replay', () => {
  const gateways: TestGateway[] = [];
  afterAll(async () => {
    for (const gw of gateways) await gw.stop();
  });

  it('a trigger the catalogue did not know → moved from unrouted with the ids the catalogue gives now; again → nothing new; killed half-way and run again → nothing lost, no id twice', async () => {
    const gw = await startTestGateway({}, { contract: catalogueWith((s) => (s.trigger === 'transcription_generated' ? undefined : s)) });
    gateways.push(gw);
    const events = Array.from({ length: 120 }, (_, n) => transcription(n));
    for (const e of events) expect((await gw.post(e)).status).toBe(200);
    const unknown = { ...transcription(999), trigger: 'transcription_translated' };
    expect((await gw.post(unknown)).status).toBe(200);
    const expected = new Set(events.map((e) => contract().convert(e, 0).eventId));
    const prefix = gw.config.topicPrefix;
    const callsTopic = topicFor('calls', prefix);
    expect(await readAll([callsTopic])).toEqual([]);

    // Slowly, so that it can be killed half-way; then to the end.
    const slow = runReplay(prefix, ['--source', 'unrouted', '--batch', '10', '--rate', '40']);
    await waitFor(() => /replay: read [1-9]/.test(slow.output()) || undefined, { timeoutMs: 60_000, what: 'the first progress line' }).catch((err: Error) => {
      throw new Error(`${err.message}; the replay printed:\n${slow.output()}`);
    });
    slow.child.kill('SIGKILL');
    await slow.exit;
    const afterKill = new Set((await readAll([callsTopic])).map((r) => r.headers.ce_id));
    const finished = await replayed(prefix, ['--source', 'unrouted']);
    expect(finished).toMatch(/replay: done: /);
    expect(finished).toMatch(/left\s+1\s+trigger_unknown/);

    const records = await readAll([callsTopic]);
    const ids = new Set(records.map((r) => r.headers.ce_id));
    expect(afterKill.size).toBeGreaterThan(0);
    expect(afterKill.size).toBeLessThan(expected.size);
    expect(ids).toEqual(expected);
    for (const r of records) {
      expect(r.headers.replayed_from).toMatch(new RegExp(`^${gw.config.unroutedTopic.replaceAll('.', '\\.')}/\\d+/\\d+$`));
      expect(r.headers.ce_type).toBe('com.cometchat.webhook.transcription_generated');
      expect(r.key).toMatch(/^session-\d$/);
    }
    // Decodes to the original.
    const decoded = contract().decode('transcription_generated', records[0]!.value).record;
    expect(events).toContainEqual(contract().toJson('transcription_generated', decoded));
    console.log(
      `[replay] 120 unrouted events: ${afterKill.size} moved before SIGKILL, ${ids.size} distinct ids after the second run, ${records.length} records (${records.length - ids.size} sent twice)`,
    );

    // A third run: everything is committed, nothing moves.
    const again = await replayed(prefix, ['--source', 'unrouted']);
    expect(again).toMatch(/moved 0/);
    expect((await readAll([callsTopic])).length).toBe(records.length);
  });

  it('a DLQ record that a contract fix makes convertible → moved to its category topic, decoding to the original', async () => {
    // An older catalogue entry that wanted the message at data.message: both documented examples dead-lettered.
    const buggy = catalogueWith((s) =>
      s.trigger === 'moderation_engine_failed' ? { ...s, identity: [{ path: ['data', 'message', 'id'], type: 'string' as const }] } : s,
    );
    const gw = await startTestGateway({}, { contract: buggy });
    gateways.push(gw);
    const examples = [extra('moderation_engine_failed.moderation-engine-failures'), extra('moderation_engine_failed.rest-api-webhooks-overview')];
    for (const e of examples) expect((await gw.post(e)).status).toBe(200);
    const dlq = await readAll([gw.config.dlqTopic]);
    expect(dlq.map((r) => r.headers.error_code)).toEqual(['identity_invalid', 'identity_invalid']);

    const output = await replayed(gw.config.topicPrefix, ['--source', 'dlq']);
    expect(output).toMatch(/moved\s+2\s+moderation_engine_failed/);
    const moved = await readAll([topicFor('moderation', gw.config.topicPrefix)]);
    expect(new Set(moved.map((r) => r.headers.ce_id))).toEqual(new Set(examples.map((e) => contract().convert(e, 0).eventId)));
    const back = moved.map((r) => contract().toJson('moderation_engine_failed', contract().decode('moderation_engine_failed', r.value).record));
    expect(back).toEqual(expect.arrayContaining(examples));
  });

  it('--dry-run on a topic with mixed records → counts by outcome, nothing moved, no progress kept', async () => {
    const gw = await startTestGateway(
      {},
      { contract: catalogueWith((s) => (s.trigger.startsWith('call_') && s.trigger !== 'call_initiated' ? undefined : s)) },
    );
    gateways.push(gw);
    for (const t of ['call_busy', 'call_cancelled', 'call_rejected', 'call_unanswered']) expect((await gw.post(extra(t))).status).toBe(200);
    for (const t of ['call_on_hold', 'call_transferred']) expect((await gw.post({ ...extra('call_busy'), trigger: t })).status).toBe(200);
    const prefix = gw.config.topicPrefix;

    const output = await replayed(prefix, ['--dry-run']);
    expect(output).toMatch(/replay: done: read 6, would move 4, left 2, skipped 0/);
    for (const t of ['call_busy', 'call_cancelled', 'call_rejected', 'call_unanswered']) expect(output).toMatch(new RegExp(`would move\\s+1\\s+${t}`));
    expect(output).toMatch(/left\s+2\s+trigger_unknown/);
    expect(await readAll([topicFor('calls', prefix)])).toEqual([]);
    // And a real run afterwards still has everything to do.
    expect(await replayed(prefix, [])).toMatch(/replay: done: read 6, moved 4, left 2/);
  });
});
