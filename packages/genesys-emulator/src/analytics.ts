import { randomUUID } from 'node:crypto';
import type { Clock } from './clock';
import type { ConversationStore, EmulatedConversation } from './conversation-store';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface AnalyticsPredicate {
  dimension?: string;
  value?: string;
  operator?: string;
}

export interface AnalyticsFilter {
  type?: 'and' | 'or';
  predicates?: AnalyticsPredicate[];
}

export interface DetailsQuery {
  interval?: unknown;
  conversationFilters?: AnalyticsFilter[];
  segmentFilters?: AnalyticsFilter[];
  order?: 'asc' | 'desc';
  paging?: { pageSize?: number; pageNumber?: number };
}

/** A request the real API would refuse, with the reason it gives. */
export class AnalyticsRequestError extends Error {}

function parseInterval(interval: unknown, filtered: boolean): { start: number; end: number } {
  if (typeof interval !== 'string' || !interval.includes('/')) {
    throw new AnalyticsRequestError('interval is required, as two ISO-8601 date-times separated by "/"');
  }
  const [startText, endText] = interval.split('/');
  const start = Date.parse(startText);
  const end = Date.parse(endText);
  if (Number.isNaN(start) || Number.isNaN(end)) {
    throw new AnalyticsRequestError('interval must be two ISO-8601 date-times separated by "/"');
  }
  if (end <= start) throw new AnalyticsRequestError('interval end must be after its start');
  const maxDays = filtered ? 31 : 7;
  if (end - start > maxDays * DAY_MS) {
    throw new AnalyticsRequestError(
      `interval spans more than ${maxDays} days; the limit is 7 days without a filter and 31 days with one`,
    );
  }
  return { start, end };
}

/** The values a predicate dimension can match in one conversation. */
function dimensionValues(conversation: EmulatedConversation, dimension: string): string[] {
  const participants = conversation.participants;
  switch (dimension) {
    case 'conversationId':
      return [conversation.id];
    case 'purpose':
      return participants.map((participant) => participant.purpose);
    case 'mediaType':
      return ['message'];
    case 'messageType':
      return ['webmessaging'];
    case 'userId':
      return participants.flatMap((participant) => (participant.userId ? [participant.userId] : []));
    case 'queueId':
      return participants.flatMap((participant) => (participant.queueId ? [participant.queueId] : []));
    default:
      throw new AnalyticsRequestError(`unsupported filter dimension: ${dimension}`);
  }
}

function matchesFilter(conversation: EmulatedConversation, filter: AnalyticsFilter): boolean {
  const outcomes = (filter.predicates ?? []).map((predicate) => {
    const values = dimensionValues(conversation, predicate.dimension ?? '');
    return predicate.operator === 'notExists' ? values.length === 0 : values.includes(predicate.value ?? '');
  });
  if (outcomes.length === 0) return true;
  return filter.type === 'or' ? outcomes.some(Boolean) : outcomes.every(Boolean);
}

function select(store: ConversationStore, query: DetailsQuery): EmulatedConversation[] {
  const filters = [...(query.conversationFilters ?? []), ...(query.segmentFilters ?? [])];
  const { start, end } = parseInterval(query.interval, filters.length > 0);
  const selected = store
    .all()
    .filter((conversation) => conversation.startTime >= start && conversation.startTime < end)
    .filter((conversation) => filters.every((filter) => matchesFilter(conversation, filter)))
    .sort((a, b) => a.startTime - b.startTime);
  return query.order === 'desc' ? selected.reverse() : selected;
}

export interface AnalyticsJob {
  id: string;
  submittedAt: number;
  conversationIds: string[];
}

/** `POST .../details/query` (synchronous, paged by number) and the async jobs (cursor paging). */
export class ConversationAnalytics {
  private readonly jobs = new Map<string, AnalyticsJob>();

  constructor(
    private readonly store: ConversationStore,
    private readonly clock: Clock,
    public jobDelayMs: number,
  ) {}

  query(query: DetailsQuery): { conversations: EmulatedConversation[]; totalHits: number } {
    const pageSize = query.paging?.pageSize ?? 25;
    const pageNumber = query.paging?.pageNumber ?? 1;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
      throw new AnalyticsRequestError('paging.pageSize must be an integer from 1 to 100');
    }
    if (!Number.isInteger(pageNumber) || pageNumber < 1) {
      throw new AnalyticsRequestError('paging.pageNumber must be a positive integer');
    }
    const selected = select(this.store, query);
    const offset = (pageNumber - 1) * pageSize;
    return { conversations: selected.slice(offset, offset + pageSize), totalHits: selected.length };
  }

  submit(query: DetailsQuery): AnalyticsJob {
    const job = { id: randomUUID(), submittedAt: this.clock.now(), conversationIds: select(this.store, query).map((c) => c.id) };
    this.jobs.set(job.id, job);
    return job;
  }

  job(id: string): AnalyticsJob | undefined {
    return this.jobs.get(id);
  }

  isFulfilled(job: AnalyticsJob): boolean {
    return this.clock.now() >= job.submittedAt + this.jobDelayMs;
  }

  /** Results from `cursor` on; the cursor is an opaque string naming the next offset. */
  results(job: AnalyticsJob, cursor: string | undefined, pageSize: number) {
    const offset = cursor === undefined ? 0 : Number.parseInt(Buffer.from(cursor, 'base64url').toString('utf8'), 10);
    if (!Number.isInteger(offset) || offset < 0 || offset > job.conversationIds.length) {
      throw new AnalyticsRequestError('cursor is not one this job handed out');
    }
    const ids = job.conversationIds.slice(offset, offset + pageSize);
    const next = offset + ids.length;
    return {
      conversations: ids.flatMap((id) => this.store.get(id) ?? []),
      cursor: next < job.conversationIds.length ? Buffer.from(String(next)).toString('base64url') : undefined,
    };
  }
}
