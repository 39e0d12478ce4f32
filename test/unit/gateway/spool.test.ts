// The spool with a real SQLite database in a temporary directory and a fake producer that can be
// held (Kafka not answering), released (the held batches land) or failed. What the spool does
// with a real Kafka is in test/faults/spool.test.ts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Message, ProducerBatch } from 'kafkajs';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createDelivery } from '../../../gateway/ingest/delivery.ts';
import { createPublisher } from '../../../gateway/ingest/publisher.ts';
import { createMetrics } from '../../../gateway/metrics.ts';
import { createDrainer } from '../../../gateway/spool/drainer.ts';
import { openSpool, SpoolError, spoolFile } from '../../../gateway/spool/store.ts';
import { waitFor } from '../../support/wait-for.ts';

const logger = pino({ level: 'silent' });
const tempFile = () => spoolFile(mkdtempSync(path.join(os.tmpdir(), 'spool-unit-')));

function event(n: number, key = 'conversation-1') {
  return {
    topic: 'unit.messages',
    message: { key, value: Buffer.from(`value-${n}`), headers: { ce_id: `id-${n}`, ce_time: '2026-11-30T00:00:00.000Z' } },
  };
}
const meta = (n: number, acked: string[] = []) => ({
  eventId: `00000000-0000-5000-8000-${String(n).padStart(12, '0')}`,
  receivedAt: 1_764_000_000_000 + n,
  onAcked: () => acked.push(`id-${n}`),
});

/** Holds every batch until released or failed; `landed` is what Kafka acknowledged, in order. */
function heldProducer() {
  const landed: { topic: string; message: Message }[] = [];
  let held: { batch: ProducerBatch; resolve(): void; reject(err: Error): void }[] = [];
  const producer = {
    holding: false,
    landed,
    get heldBatches() {
      return held.length;
    },
    sendBatch(batch: ProducerBatch) {
      const land = () => {
        for (const { topic, messages } of batch.topicMessages ?? []) for (const message of messages) landed.push({ topic, message });
      };
      if (!producer.holding) {
        land();
        return Promise.resolve([]);
      }
      return new Promise<never[]>((resolve, reject) => {
        held.push({
          batch,
          resolve: () => {
            land();
            resolve([]);
          },
          reject,
        });
      });
    },
    release() {
      producer.holding = false;
      for (const h of held) h.resolve();
      held = [];
    },
    fail() {
      for (const h of held) h.reject(new Error('the broker is gone'));
      held = [];
    },
  };
  return producer;
}

function setup({ afterMs = 40, maxBytes = 1024 * 1024, file = tempFile() } = {}) {
  const producer = heldProducer();
  const store = openSpool({ file, maxBytes });
  const publisher = createPublisher({ producer, lingerMs: 0, maxBatchMessages: 100 });
  const metrics = createMetrics({ collectDefault: false });
  const delivery = createDelivery({
    publisher,
    ackTimeoutMs: 1000,
    metrics,
    logger,
    spool: {
      store,
      afterMs,
      createDrainer: ({ onDrained, onEmpty }) =>
        createDrainer({
          store,
          producer,
          publisherIdle: () => publisher.idle(),
          onDrained: (events) => onDrained(events.map((e) => e.eventId)),
          onEmpty,
          logger,
        }),
    },
  });
  opened.push(delivery);
  return { producer, store, delivery, metrics };
}
const opened: { stop(graceMs: number): Promise<void> }[] = [];
afterEach(async () => {
  for (const d of opened.splice(0)) await d.stop(100);
});

const values = (landed: { message: Message }[]) => landed.map((l) => String(l.message.value));

describe('spool store', () => {
  it('an append resolves only once committed: another connection to the file sees the row', async () => {
    const file = tempFile();
    const store = openSpool({ file, maxBytes: 1024 * 1024 });
    await store.append({ ...event(1), ...meta(1) });
    const other = new DatabaseSync(file, { readOnly: true });
    expect((other.prepare('SELECT count(*) AS n FROM spool').get() as { n: number }).n).toBe(1);
    other.close();
    store.close();
  });

  it('reopened after the process is gone → the same events, oldest first, key, value and headers intact', async () => {
    const file = tempFile();
    const first = openSpool({ file, maxBytes: 1024 * 1024 });
    await Promise.all([1, 2, 3].map((n) => first.append({ ...event(n, `k${n}`), ...meta(n) })));
    // Not closed: as after a SIGKILL, only what was committed counts.
    const again = openSpool({ file, maxBytes: 1024 * 1024 });
    const rows = await again.oldest(10);
    expect(rows.map((r) => [String(r.message.key), String(r.message.value), r.message.headers?.ce_id, r.receivedAt])).toEqual([
      ['k1', 'value-1', 'id-1', meta(1).receivedAt],
      ['k2', 'value-2', 'id-2', meta(2).receivedAt],
      ['k3', 'value-3', 'id-3', meta(3).receivedAt],
    ]);
    expect(again.stats()).toMatchObject({ events: 3, oldestReceivedAt: meta(1).receivedAt });
    again.remove(rows.slice(0, 2).map((r) => r.position));
    expect(again.stats()).toMatchObject({ events: 1, oldestReceivedAt: meta(3).receivedAt });
    first.close();
    again.close();
  });

  it('the same event id twice → kept once', async () => {
    const store = openSpool({ file: tempFile(), maxBytes: 1024 * 1024 });
    await Promise.all([store.append({ ...event(1), ...meta(1) }), store.append({ ...event(1), ...meta(1) })]);
    expect(store.size).toBe(1);
    store.close();
  });

  it('beyond SPOOL_MAX_BYTES → SpoolError full, nothing written', async () => {
    const store = openSpool({ file: tempFile(), maxBytes: 1024 * 1024 });
    const big = { topic: 't', message: { key: 'k', value: Buffer.alloc(700 * 1024) } };
    await store.append({ ...big, ...meta(1) });
    await expect(store.append({ ...big, ...meta(2) })).rejects.toMatchObject({ name: 'SpoolError', reason: 'full' });
    expect(store.size).toBe(1);
    store.close();
  });

  it('a directory that cannot be created → SpoolError naming the file and SPOOL_DIR', () => {
    const notADirectory = path.join(mkdtempSync(path.join(os.tmpdir(), 'spool-unit-')), 'file');
    writeFileSync(notADirectory, '');
    const file = spoolFile(path.join(notADirectory, 'spool'));
    expect(() => openSpool({ file, maxBytes: 1024 * 1024 })).toThrow(SpoolError);
    expect(() => openSpool({ file, maxBytes: 1024 * 1024 })).toThrow(/cannot be opened for writing.*SPOOL_DIR/);
  });
});

describe('delivery with the spool', () => {
  it('Kafka answers → published, nothing spooled', async () => {
    const { delivery, store, producer } = setup();
    expect(await delivery.deliver(event(1), meta(1))).toBe('published');
    expect(store.size).toBe(0);
    expect(values(producer.landed)).toEqual(['value-1']);
  });

  it('Kafka silent → spooled after SPOOL_AFTER_MS; later events go to the spool at once, without waiting', async () => {
    const { delivery, store, producer } = setup({ afterMs: 40 });
    producer.holding = true;
    const started = performance.now();
    expect(await delivery.deliver(event(1), meta(1))).toBe('spooled');
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
    expect(delivery.spooling).toBe(true);
    const next = performance.now();
    expect(await delivery.deliver(event(2), meta(2))).toBe('spooled');
    expect(performance.now() - next).toBeLessThan(35);
    expect(store.size).toBe(2);
  });

  it('events waiting for Kafka when it went silent → spooled oldest first, before what arrives next; drained in that order', async () => {
    const { delivery, producer } = setup({ afterMs: 40 });
    producer.holding = true;
    const acked: string[] = [];
    const first = [1, 2, 3, 4, 5].map((n) => delivery.deliver(event(n), meta(n, acked)));
    expect(await Promise.all(first)).toEqual(['spooled', 'spooled', 'spooled', 'spooled', 'spooled']);
    expect(await delivery.deliver(event(6), meta(6, acked))).toBe('spooled');
    // Kafka back: the held first attempt lands first, then the spool in order.
    producer.release();
    await waitFor(() => !delivery.spooling, { what: 'the spool to drain', timeoutMs: 5000 });
    const landed = values(producer.landed);
    // Only the first event had been sent when Kafka went silent: it lands twice, the others once.
    expect(landed.filter((v) => v === 'value-1')).toHaveLength(2);
    expect(landed).toHaveLength(7);
    // Every event reached Kafka, and each key's first appearances keep the order they came in.
    const firstSeen = [...new Set(landed)];
    expect(firstSeen).toEqual(['value-1', 'value-2', 'value-3', 'value-4', 'value-5', 'value-6']);
    expect(new Set(acked)).toEqual(new Set(['id-1', 'id-2', 'id-3', 'id-4', 'id-5', 'id-6']));
  });

  it('a first attempt that lands after its event was spooled → Kafka has it twice, same event id, and the duplicate is counted', async () => {
    const { delivery, producer, metrics } = setup({ afterMs: 30 });
    producer.holding = true;
    expect(await delivery.deliver(event(1), meta(1))).toBe('spooled');
    producer.release();
    await waitFor(() => !delivery.spooling, { what: 'the spool to drain', timeoutMs: 5000 });
    expect(values(producer.landed)).toEqual(['value-1', 'value-1']);
    expect(await metrics.registry.getSingleMetricAsString('gateway_spool_duplicates_total')).toMatch(/gateway_spool_duplicates_total 1/);
  });

  it('a first attempt that fails → only the spooled copy lands, nothing counted twice', async () => {
    const { delivery, producer, metrics } = setup({ afterMs: 30 });
    producer.holding = true;
    expect(await delivery.deliver(event(1), meta(1))).toBe('spooled');
    producer.fail();
    producer.release();
    await waitFor(() => !delivery.spooling, { what: 'the spool to drain', timeoutMs: 5000 });
    expect(values(producer.landed)).toEqual(['value-1']);
    expect(await metrics.registry.getSingleMetricAsString('gateway_spool_duplicates_total')).toMatch(/gateway_spool_duplicates_total 0/);
  });

  it('the spool empty again → new events go straight to Kafka', async () => {
    const { delivery, producer } = setup({ afterMs: 30 });
    producer.holding = true;
    await delivery.deliver(event(1), meta(1));
    producer.release();
    await waitFor(() => !delivery.spooling, { what: 'the spool to drain', timeoutMs: 5000 });
    expect(await delivery.deliver(event(2), meta(2))).toBe('published');
  });

  it('the spool full → refused spool_unavailable (503), never a spooled answer', async () => {
    const { delivery, producer } = setup({ afterMs: 20, maxBytes: 1024 * 1024 });
    producer.holding = true;
    const big = (n: number) => ({ topic: 't', message: { key: 'k', value: Buffer.alloc(600 * 1024, n) } });
    expect(await delivery.deliver(big(1), meta(1))).toBe('spooled');
    await expect(delivery.deliver(big(2), meta(2))).rejects.toMatchObject({ code: 'spool_unavailable', status: 503, retriable: true });
  });

  it('left in the spool by an earlier run → drained at start, before new events', async () => {
    const file = tempFile();
    const earlier = openSpool({ file, maxBytes: 1024 * 1024 });
    await earlier.append({ ...event(1), ...meta(1) });
    earlier.close();
    const { delivery, producer } = setup({ afterMs: 30, file });
    delivery.start();
    expect(delivery.spooling).toBe(true);
    expect(await delivery.deliver(event(2), meta(2))).toBe('spooled');
    await waitFor(() => !delivery.spooling, { what: 'the spool to drain', timeoutMs: 5000 });
    expect(values(producer.landed)).toEqual(['value-1', 'value-2']);
  });
});
