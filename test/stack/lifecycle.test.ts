// The local stack's promises: `up` is idempotent, a crashed process comes back on its own data,
// `down` stops exactly what `up` started and leaves no data behind. Runs a second stack in its
// own directory and ports, so it never disturbs a stack a developer has up.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { runningPid } from '../../stack/processes.ts';
import { components, down, status, up } from '../../stack/stack.ts';
import { isolatedStackSettings } from '../support/dedicated-stack.ts';
import { waitFor } from '../support/wait-for.ts';

const settings = isolatedStackSettings(29_092, 'lifecycle');
const [kafkaProc, registryProc] = components(settings).map((c) => c.proc);
const topic = 'lifecycle';
const subject = 'lifecycle-value';

/** Processes on this machine whose command line carries this stack's marker. */
function processesWithMarker(marker: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

function kafka(): Kafka {
  return new Kafka({ clientId: 'lifecycle', brokers: [`127.0.0.1:${settings.kafka.port}`], logLevel: logLevel.NOTHING });
}

async function readAll(): Promise<string[]> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.map((o) => o.high);
  } finally {
    await admin.disconnect();
  }
}

describe('stack lifecycle (local processes)', () => {
  afterAll(() => down(settings));

  it('up on nothing → both started, env file written, both answer', async () => {
    const result = await up(settings);
    expect(result.started).toEqual(['kafka', 'registry']);
    expect(readFileSync(settings.envFile, 'utf8')).toBe(`KAFKA_BROKERS=127.0.0.1:29092\nSCHEMA_REGISTRY_URL=http://127.0.0.1:29094/apis/ccompat/v7\n`);
    expect((await status(settings)).map((s) => s.ready)).toEqual([true, true]);
  });

  it('up again → starts nothing; still one process of each', async () => {
    const before = [runningPid(kafkaProc!), runningPid(registryProc!)];
    const result = await up(settings);
    expect(result.started).toEqual([]);
    expect([runningPid(kafkaProc!), runningPid(registryProc!)]).toEqual(before);
    expect(processesWithMarker(kafkaProc!.marker)).toHaveLength(1);
    expect(processesWithMarker(registryProc!.marker)).toHaveLength(1);
  });

  it('broker SIGKILLed → up starts only the broker, and its topics and records are intact', async () => {
    const admin = kafka().admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka().producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ value: 'one' }, { value: 'two' }] });
    await producer.disconnect();
    expect(await readAll()).toEqual(['2']);

    const registryPid = runningPid(registryProc!);
    const brokerPid = runningPid(kafkaProc!)!;
    process.kill(brokerPid, 'SIGKILL');
    await waitFor(() => runningPid(kafkaProc!) === undefined, { what: 'the broker to die' });

    const result = await up(settings);
    expect(result.started).toEqual(['kafka']);
    expect(runningPid(registryProc!)).toBe(registryPid);
    expect(await readAll()).toEqual(['2']);
  });

  it('registry SIGKILLed → up starts only the registry, and registered schemas keep their ids', async () => {
    const url = `http://127.0.0.1:${settings.registry.port}/apis/ccompat/v7`;
    const schema = JSON.stringify({ type: 'record', name: 'L', fields: [{ name: 'a', type: 'string' }] });
    const registered = await fetch(`${url}/subjects/${subject}/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema }),
    });
    expect(registered.status).toBe(200);
    const { id } = (await registered.json()) as { id: number };

    const kafkaPid = runningPid(kafkaProc!);
    process.kill(runningPid(registryProc!)!, 'SIGKILL');
    await waitFor(() => runningPid(registryProc!) === undefined, { what: 'the registry to die' });

    const result = await up(settings);
    expect(result.started).toEqual(['registry']);
    expect(runningPid(kafkaProc!)).toBe(kafkaPid);
    const latest = await fetch(`${url}/subjects/${subject}/versions/latest`);
    expect(latest.status).toBe(200);
    expect(((await latest.json()) as { id: number }).id).toBe(id);
  });

  it('down → both processes gone, data and env file removed, logs kept', async () => {
    const pids = [runningPid(kafkaProc!)!, runningPid(registryProc!)!];
    await down(settings);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    expect(processesWithMarker(kafkaProc!.marker)).toEqual([]);
    expect(existsSync(path.join(settings.dir, 'kafka'))).toBe(false);
    expect(existsSync(path.join(settings.dir, 'registry'))).toBe(false);
    expect(existsSync(settings.envFile)).toBe(false);
    expect(existsSync(path.join(settings.logDir, 'kafka.log'))).toBe(true);
  });
});

describe('stack that cannot come up', () => {
  it('one port taken by a stranger → up fails naming it, and stops what it had started', async () => {
    const failing = isolatedStackSettings(29_592, 'failing');
    const stranger = net.createServer().listen(29594, '127.0.0.1');
    await new Promise((resolve) => stranger.once('listening', resolve));
    try {
      await expect(up(failing)).rejects.toThrow(/registry: port 29594 on 127\.0\.0\.1 is taken/);
      const [kafkaOfFailing] = components(failing).map((c) => c.proc);
      expect(processesWithMarker(kafkaOfFailing!.marker)).toEqual([]);
    } finally {
      stranger.close();
      await down(failing);
    }
  });
});
