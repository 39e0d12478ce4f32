import { describe, expect, it } from 'vitest';
import { applyOnce, openStore } from '../../../consumers/store.ts';

describe('applyOnce', () => {
  const open = () => openStore(':memory:', 'CREATE TABLE IF NOT EXISTS t (v INTEGER);');

  it('a new event id → the effect applied and the id recorded', () => {
    const db = open();
    expect(applyOnce(db, 'e1', 'x', () => db.prepare('INSERT INTO t VALUES (1)').run())).toBe('applied');
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 1 });
  });

  it('the same event id again → duplicate, the effect not applied twice', () => {
    const db = open();
    applyOnce(db, 'e1', 'x', () => db.prepare('INSERT INTO t VALUES (1)').run());
    expect(applyOnce(db, 'e1', 'x', () => db.prepare('INSERT INTO t VALUES (1)').run())).toBe('duplicate');
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 1 });
  });

  it('an effect that throws → nothing applied, the id not recorded, so a retry can apply it', () => {
    const db = open();
    expect(() =>
      applyOnce(db, 'e1', 'x', () => {
        db.prepare('INSERT INTO t VALUES (1)').run();
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 0 });
    expect(applyOnce(db, 'e1', 'x', () => db.prepare('INSERT INTO t VALUES (2)').run())).toBe('applied');
  });
});
