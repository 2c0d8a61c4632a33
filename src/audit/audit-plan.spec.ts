import { coverageOf, detailsJobQuery, splitSpan, startsIn } from './audit-plan';

const DAY = 86_400_000;
const at = Date.parse('2026-11-01T00:00:00.000Z');

describe('audit plan', () => {
  it('splits a span into windows of at most 31 days, in order, covering it exactly', () => {
    const windows = splitSpan({ start: at, end: at + 70 * DAY });
    expect(windows.map((window) => (window.end - window.start) / DAY)).toEqual([31, 31, 8]);
    expect(windows[0].start).toBe(at);
    expect(windows[1].start).toBe(windows[0].end);
    expect(windows[2].end).toBe(at + 70 * DAY);
    expect(splitSpan({ start: at, end: at + 1 })).toEqual([{ start: at, end: at + 1 }]);
  });

  it('cuts the span at the availability date, saying what is not available yet', () => {
    const span = { start: at, end: at + DAY };
    expect(coverageOf(span, at + DAY + 5)).toEqual({ audited: span });
    expect(coverageOf(span, at + DAY / 2)).toEqual({
      audited: { start: at, end: at + DAY / 2 },
      notYetAvailable: { start: at + DAY / 2, end: at + DAY },
    });
    expect(coverageOf(span, at - 1)).toEqual({ notYetAvailable: span });
  });

  it('asks for web messaging conversations, in any of the queues given', () => {
    const query = detailsJobQuery({ start: at, end: at + DAY }, ['q1', 'q2']);
    expect(query.interval).toBe('2026-11-01T00:00:00.000Z/2026-11-02T00:00:00.000Z');
    expect(query.segmentFilters).toEqual([
      {
        type: 'and',
        predicates: [
          { dimension: 'mediaType', value: 'message' },
          { dimension: 'messageType', value: 'webmessaging' },
        ],
      },
      {
        type: 'or',
        predicates: [
          { dimension: 'queueId', value: 'q1' },
          { dimension: 'queueId', value: 'q2' },
        ],
      },
    ]);
    expect((detailsJobQuery({ start: at, end: at + DAY }, []).segmentFilters as unknown[]).length).toBe(1);
  });

  it('keeps a conversation in the window it started in', () => {
    const window = { start: at, end: at + DAY };
    expect(startsIn(window, '2026-11-01T00:00:00.000Z')).toBe(true);
    expect(startsIn(window, '2026-10-31T23:59:59.999Z')).toBe(false);
    expect(startsIn(window, '2026-11-02T00:00:00.000Z')).toBe(false);
  });
});
