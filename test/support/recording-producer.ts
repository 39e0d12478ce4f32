// A stand-in for kafkajs's producer that records each batch, and can hold batches (close/open)
// or refuse them: for the publisher's own logic, never for a claim about Kafka.
import type { ProducerBatch } from 'kafkajs';

export function recordingProducer() {
  const batches: ProducerBatch[] = [];
  /** performance.now() of each sendBatch call. */
  const sentAt: number[] = [];
  let gate: Promise<void> | undefined;
  let openGate = (): void => undefined;
  let failure: unknown;
  return {
    batches,
    sentAt,
    /** Batches sent from now on wait until open(). */
    close() {
      gate = new Promise<void>((resolve) => (openGate = resolve));
    },
    open() {
      gate = undefined;
      openGate();
    },
    failWith(err: unknown) {
      failure = err;
    },
    producer: {
      async sendBatch(batch: ProducerBatch) {
        batches.push(batch);
        sentAt.push(performance.now());
        if (failure) throw failure;
        if (gate) await gate;
        return [];
      },
    },
  };
}
