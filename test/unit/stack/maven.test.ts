import { describe, expect, it } from 'vitest';
import { isProgressLine } from '../../../stack/maven.ts';

describe('isProgressLine', () => {
  it('download start and end lines → shown', () => {
    expect(isProgressLine('Downloading from central: https://repo.maven.apache.org/maven2/org/apache/kafka/kafka_2.13/4.4.0/kafka_2.13-4.4.0.jar')).toBe(true);
    expect(isProgressLine('[INFO] Downloaded from central: https://repo.maven.apache.org/x.jar (6.2 MB at 9.1 MB/s)')).toBe(true);
  });

  it('errors → shown', () => {
    expect(isProgressLine('[ERROR] Failed to execute goal')).toBe(true);
  });

  it('ordinary build chatter → hidden', () => {
    expect(isProgressLine('[INFO] Copying kafka-clients-4.4.0.jar to /x')).toBe(false);
    expect(isProgressLine('[INFO] BUILD SUCCESS')).toBe(false);
  });
});
