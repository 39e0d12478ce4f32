// Does a Kafka cluster answer metadata requests, does a Confluent-API registry answer? Used by
// `up` to know when a process is ready, and by the tests to check a stack they were handed.
import { Kafka, logLevel } from 'kafkajs';

export async function kafkaAnswers(brokers: string): Promise<boolean> {
  const admin = new Kafka({
    clientId: 'stack-probe',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 && cluster.controller !== null;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** `url` is the Confluent API root, e.g. http://127.0.0.1:18081/apis/ccompat/v7. */
export async function registryAnswers(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url.replace(/\/$/, '')}/subjects`, { signal: AbortSignal.timeout(2000) });
    return res.ok;
  } catch {
    return false;
  }
}
