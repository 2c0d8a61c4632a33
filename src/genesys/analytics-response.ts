import { isPlain, readStringMap } from './conversation-response';
import { UpstreamErrors } from './upstream-errors';

/** More than one page of job results can hold (the platform pages at most 1000). */
const MAX_PAGE_CONVERSATIONS = 10_000;
const MAX_PARTICIPANTS = 1000;
const MAX_DATE_LENGTH = 64;

/** A participant of an `AnalyticsConversation` (job results), as far as verdicts need it. */
export interface AnalyticsParticipant {
  participantId: string;
  purpose: string;
  /** Participant data, keys and values cut at 1024 characters by the platform. */
  attributes?: Record<string, string>;
  /** Whether one of its sessions is a web messaging one. */
  webMessaging: boolean;
  /** The queues its segments name. */
  queueIds: string[];
}

export interface AnalyticsConversation {
  conversationId: string;
  conversationStart: string;
  participants: AnalyticsParticipant[];
}

/** An entry of a results page that cannot be read: reported, never dropped, never a verdict. */
export interface UnreadableConversation {
  conversationId?: string;
  problem: string;
}

export interface DetailsJobPage {
  conversations: (AnalyticsConversation | UnreadableConversation)[];
  cursor?: string;
  dataAvailabilityDate?: string;
}

/**
 * `GET .../details/jobs/{jobId}`: QUEUED, PENDING, FULFILLED, FAILED, CANCELLED or EXPIRED (another state is passed on
 * as it came).
 */
export interface DetailsJobStatus {
  state: string;
  errorMessage?: string;
}

export const isUnreadable = (entry: AnalyticsConversation | UnreadableConversation): entry is UnreadableConversation =>
  'problem' in entry;

const dateText = (value: unknown): value is string =>
  typeof value === 'string' && value.length <= MAX_DATE_LENGTH && Number.isFinite(Date.parse(value));

function readParticipant(value: unknown, at: string): AnalyticsParticipant {
  if (!isPlain(value) || typeof value.participantId !== 'string' || typeof value.purpose !== 'string') {
    throw UpstreamErrors.invalidResponse(`${at} is not a participant with a participantId and a purpose`);
  }
  const sessions = Array.isArray(value.sessions) ? value.sessions.filter(isPlain) : [];
  const queueIds = new Set<string>();
  for (const session of sessions) {
    for (const segment of Array.isArray(session.segments) ? session.segments : []) {
      if (isPlain(segment) && typeof segment.queueId === 'string') queueIds.add(segment.queueId);
    }
  }
  const attributes = readStringMap(value.attributes, `${at}.attributes`);
  return {
    participantId: value.participantId,
    purpose: value.purpose,
    ...(attributes ? { attributes } : {}),
    webMessaging: sessions.some((session) => session.messageType === 'webmessaging'),
    queueIds: [...queueIds],
  };
}

function readConversationEntry(value: unknown, index: number): AnalyticsConversation | UnreadableConversation {
  const conversationId =
    isPlain(value) && typeof value.conversationId === 'string' && value.conversationId.length <= 128
      ? value.conversationId
      : undefined;
  try {
    if (!isPlain(value) || conversationId === undefined)
      throw UpstreamErrors.invalidResponse(`conversations[${index}] has no conversationId`);
    if (!dateText(value.conversationStart))
      throw UpstreamErrors.invalidResponse(`conversations[${index}] has no valid conversationStart`);
    if (!Array.isArray(value.participants) || value.participants.length > MAX_PARTICIPANTS) {
      throw UpstreamErrors.invalidResponse(`conversations[${index}] has no participants list`);
    }
    const participants = value.participants.map((participant, at) =>
      readParticipant(participant, `conversations[${index}].participants[${at}]`),
    );
    return { conversationId, conversationStart: value.conversationStart, participants };
  } catch (error) {
    return { ...(conversationId === undefined ? {} : { conversationId }), problem: (error as Error).message };
  }
}

/**
 * A page of job results, checked: the page's shape must hold, a conversation in it that does not is reported as
 * unreadable.
 */
export function readDetailsJobPage(body: unknown): DetailsJobPage {
  if (!isPlain(body)) throw UpstreamErrors.invalidResponse('the job results are not a JSON object');
  const listed = body.conversations ?? [];
  if (!Array.isArray(listed) || listed.length > MAX_PAGE_CONVERSATIONS)
    throw UpstreamErrors.invalidResponse('the job results have no conversations list');
  if (
    body.cursor !== undefined &&
    body.cursor !== null &&
    (typeof body.cursor !== 'string' || body.cursor.length > 4096)
  ) {
    throw UpstreamErrors.invalidResponse('the job results cursor is not a string');
  }
  return {
    conversations: listed.map(readConversationEntry),
    ...(typeof body.cursor === 'string' && body.cursor !== '' ? { cursor: body.cursor } : {}),
    ...(dateText(body.dataAvailabilityDate) ? { dataAvailabilityDate: body.dataAvailabilityDate } : {}),
  };
}

export function readDetailsJobStatus(body: unknown): DetailsJobStatus {
  if (!isPlain(body) || typeof body.state !== 'string' || body.state.length > 32)
    throw UpstreamErrors.invalidResponse('the job has no state');
  const errorMessage = typeof body.errorMessage === 'string' ? body.errorMessage.slice(0, 500) : undefined;
  return { state: body.state, ...(errorMessage ? { errorMessage } : {}) };
}

export function readSubmittedJob(body: unknown): string {
  if (!isPlain(body) || typeof body.jobId !== 'string' || body.jobId === '' || body.jobId.length > 128) {
    throw UpstreamErrors.invalidResponse('the job submission answered no jobId');
  }
  return body.jobId;
}

export function readAvailability(body: unknown): string {
  if (!isPlain(body) || !dateText(body.dataAvailabilityDate))
    throw UpstreamErrors.invalidResponse('the availability answer has no dataAvailabilityDate');
  return body.dataAvailabilityDate;
}
