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

/**
 * The conversations a query or job selects. Queries match by start; jobs match every conversation
 * whose lifetime overlaps the interval, and only what the data lake holds (started before the
 * availability date).
 */
function select(
  store: ConversationStore,
  query: DetailsQuery,
  match: { lifetime: boolean; availableBefore?: number },
): EmulatedConversation[] {
  const filters = [...(query.conversationFilters ?? []), ...(query.segmentFilters ?? [])];
  const { start, end } = parseInterval(query.interval, filters.length > 0);
  const inInterval = (conversation: EmulatedConversation) =>
    match.lifetime
      ? conversation.startTime < end && (conversation.endTime ?? Number.POSITIVE_INFINITY) >= start
      : conversation.startTime >= start && conversation.startTime < end;
  const selected = store
    .all()
    .filter(inInterval)
    .filter((conversation) => match.availableBefore === undefined || conversation.startTime < match.availableBefore)
    .filter((conversation) => filters.every((filter) => matchesFilter(conversation, filter)))
    .sort((a, b) => a.startTime - b.startTime);
  return query.order === 'desc' ? selected.reverse() : selected;
}

export type JobState = 'QUEUED' | 'PENDING' | 'FULFILLED' | 'FAILED' | 'CANCELLED' | 'EXPIRED';

/** How long the platform keeps a job's results. */
export const JOB_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

export interface AnalyticsJob {
  id: string;
  submittedAt: number;
  conversationIds: string[];
  /** Set when the job was cancelled, or failed on purpose (an admin setting). */
  ended?: { state: 'CANCELLED' | 'FAILED'; at: number; errorMessage?: string };
}

/** `POST .../details/query` (synchronous, paged by number) and the async jobs (cursor paging). */
export class ConversationAnalytics {
  private readonly jobs = new Map<string, AnalyticsJob>();

  /** How far the data lake lags behind now: job results hold nothing that started after now minus this. */
  availabilityLagMs = 0;

  constructor(
    private readonly store: ConversationStore,
    private readonly clock: Clock,
    public jobDelayMs: number,
  ) {}

  /** The data-lake availability date: conversations that started after it are not in job results yet. */
  dataAvailabilityDate(): number {
    return this.clock.now() - this.availabilityLagMs;
  }

  query(query: DetailsQuery): { conversations: EmulatedConversation[]; totalHits: number } {
    const pageSize = query.paging?.pageSize ?? 25;
    const pageNumber = query.paging?.pageNumber ?? 1;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
      throw new AnalyticsRequestError('paging.pageSize must be an integer from 1 to 100');
    }
    if (!Number.isInteger(pageNumber) || pageNumber < 1) {
      throw new AnalyticsRequestError('paging.pageNumber must be a positive integer');
    }
    const selected = select(this.store, query, { lifetime: false });
    const offset = (pageNumber - 1) * pageSize;
    return { conversations: selected.slice(offset, offset + pageSize), totalHits: selected.length };
  }

  submit(query: DetailsQuery): AnalyticsJob {
    const selected = select(this.store, query, { lifetime: true, availableBefore: this.dataAvailabilityDate() });
    const job: AnalyticsJob = {
      id: randomUUID(),
      submittedAt: this.clock.now(),
      conversationIds: selected.map((c) => c.id),
    };
    this.jobs.set(job.id, job);
    return job;
  }

  job(id: string): AnalyticsJob | undefined {
    return this.jobs.get(id);
  }

  /**
   * Queued for the first fifth of the delay, then pending, then fulfilled until it expires; cancelled or failed once
   * ended.
   */
  state(job: AnalyticsJob): JobState {
    if (job.ended) return job.ended.state;
    const age = this.clock.now() - job.submittedAt;
    if (age >= JOB_RETENTION_MS) return 'EXPIRED';
    if (age >= this.jobDelayMs) return 'FULFILLED';
    return age < this.jobDelayMs / 5 ? 'QUEUED' : 'PENDING';
  }

  jobStates(): JobState[] {
    return [...this.jobs.values()].map((job) => this.state(job));
  }

  /** `DELETE .../jobs/{jobId}`: a job not yet ended stops; its results are gone. */
  cancel(job: AnalyticsJob): void {
    if (!job.ended) job.ended = { state: 'CANCELLED', at: this.clock.now() };
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
