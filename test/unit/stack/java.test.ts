import { describe, expect, it } from 'vitest';
import { parseJavaMajor } from '../../../stack/java.ts';

describe('parseJavaMajor', () => {
  it('modern version string → its major', () => {
    expect(parseJavaMajor('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(parseJavaMajor('openjdk version "25.0.3" 2026-04-21 LTS')).toBe(25);
  });

  it('a bare major ("21") → 21', () => {
    expect(parseJavaMajor('openjdk version "21" 2023-09-19')).toBe(21);
  });

  it('legacy 1.x scheme → the minor is the major', () => {
    expect(parseJavaMajor('java version "1.8.0_402"')).toBe(8);
  });

  it('no version in the text → undefined', () => {
    expect(parseJavaMajor('bash: java: command not found')).toBeUndefined();
  });
});
