import { ManualClock } from '../../test/support/manual-clock';
import { inMemorySharedState } from '../../test/support/in-memory-shared-state';
import { AuditCapacityError, AuditStore, type AuditRecord } from './audit-store';
import { emptySummary } from './audit-summary';
import type { AuditConfig } from './audit.config';

const HOUR = 3_600_000;
const config = { retentionMs: 24 * HOUR } as AuditConfig;

const recordOf = (id: string): AuditRecord => ({
  id,
  createdAt: '2026-11-24T09:00:00.000Z',
  requestedBy: 'auditor',
  request: { start: 0, end: HOUR, queueIds: [] },
  progress: { windows: [], windowIndex: 0, pagesRead: 0, lookups: 0 },
  summary: emptySummary(),
  runs: 0,
});

/** The store of an instance without Redis: audits in this process's memory. */
function setUp() {
  const clock = new ManualClock();
  return { clock, store: new AuditStore(inMemorySharedState(), config, clock) };
}

describe('AuditStore (in memory)', () => {
  it('moves an audit only from the states allowed, and answers the state it found', async () => {
    const { store } = setUp();
    await store.create(recordOf('a'));
    expect(await store.transition('a', ['running'], 'done', 'T1')).toBe('queued');
    expect(await store.stateOf('a')).toBe('queued');
    expect(await store.transition('a', ['queued'], 'running', 'T2')).toBe('queued');
    expect(await store.transition('a', ['running'], 'cancelled', 'T3')).toBe('running');
    expect(await store.find('a')).toMatchObject({ state: 'cancelled', endedAt: 'T3' });
    expect(await store.transition('unknown', ['queued'], 'running', 'T4')).toBeUndefined();
  });

  it('stores a checkpoint and its verdict lines only while the audit runs: a cancellation in between wins', async () => {
    const { store } = setUp();
    const record = recordOf('a');
    await store.create(record);
    expect(await store.checkpoint({ ...record, runs: 1 }, ['queued-line'])).toBe(false);
    await store.transition('a', ['queued'], 'running', 'T1');
    expect(
      await store.checkpoint({ ...record, runs: 1, progress: { ...record.progress, pagesRead: 1 } }, [
        'line 1',
        'line 2',
      ]),
    ).toBe(true);
    await store.transition('a', ['running'], 'cancelled', 'T2');
    expect(
      await store.checkpoint({ ...record, runs: 1, progress: { ...record.progress, pagesRead: 2 } }, ['line 3']),
    ).toBe(false);
    expect((await store.find('a'))?.record.progress.pagesRead).toBe(1);
    expect(await store.results('a', 0, 10)).toEqual(['line 1', 'line 2']);
    expect(await store.results('a', 1, 1)).toEqual(['line 2']);
  });

  it('numbers each run, and once a later run has claimed the audit stores nothing of an earlier one', async () => {
    const { store } = setUp();
    const record = recordOf('a');
    await store.create(record);
    expect(await store.claim('a', 'T1')).toBe(1);
    expect(await store.claim('a', 'T2')).toBe(2);
    const progressed = (runs: number, pagesRead: number) => ({
      ...record,
      runs,
      progress: { ...record.progress, pagesRead },
    });
    expect(await store.checkpoint(progressed(2, 1), ['from the second run'])).toBe(true);
    expect(await store.checkpoint(progressed(1, 5), ['from the first run'])).toBe(false);
    expect(await store.finish(progressed(1, 5), 'done', 'T3')).toBe(false);
    expect(await store.find('a')).toMatchObject({ state: 'running', record: { runs: 2, progress: { pagesRead: 1 } } });
    expect(await store.finish(progressed(2, 2), 'done', 'T4')).toBe(true);
    expect(await store.find('a')).toMatchObject({
      state: 'done',
      endedAt: 'T4',
      record: { progress: { pagesRead: 2 } },
    });
    expect(await store.results('a', 0, 10)).toEqual(['from the second run']);
    expect(await store.claim('a', 'T5')).toBeUndefined();
    expect(await store.claim('unknown', 'T5')).toBeUndefined();
  });

  it('keeps a copy: changing a record after storing or reading it changes nothing stored', async () => {
    const { store } = setUp();
    const record = recordOf('a');
    await store.create(record);
    record.runs = 9;
    const found = await store.find('a');
    if (found) found.record.runs = 7;
    expect((await store.find('a'))?.record.runs).toBe(0);
  });

  it('forgets an audit once its retention has passed on the injected clock', async () => {
    const { clock, store } = setUp();
    await store.create(recordOf('a'));
    clock.advance(24 * HOUR - 1);
    expect(await store.stateOf('a')).toBe('queued');
    clock.advance(1);
    expect(await store.find('a')).toBeUndefined();
    expect(await store.results('a', 0, 10)).toEqual([]);
  });

  it('holds 50 audits: the oldest ended one makes room, and with none ended a new one is refused', async () => {
    const { store } = setUp();
    for (let index = 0; index < 50; index += 1) await store.create(recordOf(`a${index}`));
    await expect(store.create(recordOf('one-more'))).rejects.toBeInstanceOf(AuditCapacityError);
    await store.transition('a3', ['queued'], 'cancelled', 'T1');
    await store.create(recordOf('one-more'));
    expect(await store.find('a3')).toBeUndefined();
    expect(await store.stateOf('one-more')).toBe('queued');
  });
});
