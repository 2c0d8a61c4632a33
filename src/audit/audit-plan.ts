/** An interval in epoch milliseconds, start included, end excluded. */
export interface Span {
  start: number;
  end: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Genesys details jobs span at most 7 days without a filter and 31 with one (API notes,
 * "Analytics"); every audit job filters on web messaging, so 31.
 */
export const FILTERED_JOB_MAX_DAYS = 31;

/** Consecutive windows of at most `maxDays` covering the span, in order. */
export function splitSpan(span: Span, maxDays: number = FILTERED_JOB_MAX_DAYS): Span[] {
  const windows: Span[] = [];
  for (let start = span.start; start < span.end; start += maxDays * DAY_MS) {
    windows.push({ start, end: Math.min(span.end, start + maxDays * DAY_MS) });
  }
  return windows;
}

/** What of the requested span the data lake holds by its availability date, and what it does not hold yet. */
export function coverageOf(requested: Span, availableUntil: number): { audited?: Span; notYetAvailable?: Span } {
  const cut = Math.min(Math.max(availableUntil, requested.start), requested.end);
  return {
    ...(cut > requested.start ? { audited: { start: requested.start, end: cut } } : {}),
    ...(cut < requested.end ? { notYetAvailable: { start: cut, end: requested.end } } : {}),
  };
}

export const isoSpan = (span: Span) => `${new Date(span.start).toISOString()}/${new Date(span.end).toISOString()}`;

/**
 * The `AsyncConversationQuery` for one window: web messaging conversations, in the given queues
 * when any, oldest first. Jobs match conversations whose lifetime overlaps the window, so the
 * audit keeps only those that started in it (see startsIn): a conversation spanning two windows
 * is judged once.
 */
export function detailsJobQuery(window: Span, queueIds: readonly string[]): Record<string, unknown> {
  const webMessaging = {
    type: 'and',
    predicates: [
      { dimension: 'mediaType', value: 'message' },
      { dimension: 'messageType', value: 'webmessaging' },
    ],
  };
  const queues = { type: 'or', predicates: queueIds.map((queueId) => ({ dimension: 'queueId', value: queueId })) };
  return {
    interval: isoSpan(window),
    segmentFilters: queueIds.length > 0 ? [webMessaging, queues] : [webMessaging],
    order: 'asc',
    orderBy: 'conversationStart',
  };
}

export const startsIn = (window: Span, conversationStart: string): boolean => {
  const at = Date.parse(conversationStart);
  return at >= window.start && at < window.end;
};
