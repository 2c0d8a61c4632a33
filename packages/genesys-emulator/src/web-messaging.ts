import { randomUUID } from 'node:crypto';
import type { Clock } from './clock';
import type { ConversationStore, EmulatedConversation } from './conversation-store';
import { MAX_CUSTOM_DATA_BYTES } from './custom-data';
import { GUEST_API_CODES, type GuestRefusal } from './guest-api-codes';
import type { InboundMessage } from './inbound-message';
import { applyParticipantData, withoutRemovals } from './participant-data';
import { PerTokenRateLimiter, type RateLimit } from './rate-limiter';

/** A Guest API session lasts 72 h by default (docs/genesys-platform.md). */
export const SESSION_DURATION_SECONDS = 72 * 60 * 60;
/** At most this many connections may share one session; a new one closes the oldest. */
export const MAX_CONNECTIONS_PER_SESSION = 3;
/**
 * Messages one session may send per window before the platform answers 4029 with a retryAfter.
 * Genesys publishes the refusal (the transport SDK's TooManyRequestsErrorMessage), not the rate:
 * a setting (`guestMessageRateLimit`), with a default no visitor typing by hand reaches.
 */
export const DEFAULT_GUEST_MESSAGE_RATE: RateLimit = { limit: 60, windowSeconds: 60 };
/** Messages remembered for the details route; the oldest go first. */
const MAX_REMEMBERED_MESSAGES = 100_000;

export interface GuestSession {
  readonly token: string;
  readonly deploymentId: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  conversationId?: string;
}

/** What the platform keeps of a visitor's message, for `GET /api/v2/conversations/messages/{messageId}/details`. */
export interface DeliveredMessage {
  readonly id: string;
  readonly conversationId: string;
  readonly participantId: string;
  readonly time: number;
  readonly message: InboundMessage;
  /** The custom attributes as the platform took them from this message (none when it was told to drop them). */
  readonly customAttributes?: Record<string, string>;
}

/** The answer to `configureSession`, before framing: the session, or a refusal with its code. */
export type SessionOutcome = { session: GuestSession; newSession: boolean } | GuestRefusal;

/** Whether a session may send now: yes, or why not (expired, or over its message rate, with when to retry). */
export type SendDecision = { allowed: true } | (GuestRefusal & { retryAfterSeconds?: number });

/**
 * The platform side of Web Messaging, shared by the Guest API socket and the REST test shortcut:
 * sessions per guest token, and each inbound message delivered to its session's conversation.
 * The first message (a Text or the autostart Presence/Join) starts the conversation with the
 * attributes it carries; attributes on a later message only update the customer participant,
 * after the inbound flow has run.
 */
export class WebMessaging {
  private readonly sessions = new Map<string, GuestSession>();
  private readonly messages = new Map<string, DeliveredMessage>();
  private readonly byParticipant = new Map<string, DeliveredMessage[]>();
  /** Set by the admin settings: the platform stops taking custom attributes (what the canary must notice). */
  dropCustomAttributes = false;
  readonly messageRate: PerTokenRateLimiter;

  constructor(
    private readonly store: ConversationStore,
    private readonly clock: Clock,
    private readonly deploymentId: string,
  ) {
    this.messageRate = new PerTokenRateLimiter(clock, { ...DEFAULT_GUEST_MESSAGE_RATE });
  }

  get sessionDurationSeconds(): number {
    return SESSION_DURATION_SECONDS;
  }

  get maxCustomDataBytes(): number {
    return MAX_CUSTOM_DATA_BYTES;
  }

  /**
   * `configureSession`: a known token resumes its session unless `startNew` or expired; an unknown deployment is
   * refused.
   */
  configure(deploymentId: unknown, token: unknown, startNew: boolean): SessionOutcome {
    const { missingParameter, badRequest, forbidden } = GUEST_API_CODES;
    if (deploymentId === undefined || token === undefined)
      return { code: missingParameter, problem: 'configureSession needs deploymentId and token' };
    if (deploymentId !== this.deploymentId)
      return { code: forbidden, problem: 'deploymentId does not name a Messenger deployment of this org' };
    if (typeof token !== 'string' || !/^[\w-]{8,64}$/.test(token))
      return { code: badRequest, problem: 'token must be the 8-64 character id the client keeps for its session' };
    const now = this.clock.now();
    const existing = this.sessions.get(token);
    if (existing && !startNew && now < existing.expiresAt) return { session: existing, newSession: false };
    const session: GuestSession = {
      token,
      deploymentId,
      createdAt: now,
      expiresAt: now + SESSION_DURATION_SECONDS * 1000,
    };
    this.sessions.set(token, session);
    return { session, newSession: true };
  }

  /** Whether the session may send a message now: not once expired (4006), nor over its message rate (4029). */
  maySend(session: GuestSession): SendDecision {
    if (this.clock.now() >= session.expiresAt)
      return { code: GUEST_API_CODES.sessionExpired, problem: 'the session has expired; configure a new one' };
    const rate = this.messageRate.take(session.token);
    if (!rate.allowed)
      return {
        code: GUEST_API_CODES.requestRateTooHigh,
        problem: 'Message rate too high for this session',
        retryAfterSeconds: rate.retryAfterSeconds,
      };
    return { allowed: true };
  }

  /** Delivers a visitor's message to the session's conversation, starting it with the first one. */
  deliver(session: GuestSession, message: InboundMessage): DeliveredMessage {
    const now = this.clock.now();
    const taken = this.dropCustomAttributes ? undefined : message.customAttributes;
    let conversation = session.conversationId === undefined ? undefined : this.store.get(session.conversationId);
    if (!conversation) {
      conversation = this.store.createWebMessaging({
        deploymentId: session.deploymentId,
        customAttributes: withoutRemovals(taken ?? {}),
        startTime: now,
      });
      session.conversationId = conversation.id;
    } else {
      if (taken) applyParticipantData(customerOf(conversation).attributes, taken);
      // By the visitor's next message the flow has handed the conversation to a queue.
      this.store.queued(conversation);
    }
    const delivered: DeliveredMessage = {
      id: randomUUID(),
      conversationId: conversation.id,
      participantId: customerOf(conversation).id,
      time: now,
      message,
      ...(taken ? { customAttributes: { ...taken } } : {}),
    };
    this.remember(delivered);
    return delivered;
  }

  /** One message outside any session (the REST shortcut): a new session and conversation of its own. */
  deliverAlone(message: InboundMessage): DeliveredMessage {
    const outcome = this.configure(this.deploymentId, randomUUID(), true);
    if ('problem' in outcome) throw new Error(outcome.problem);
    return this.deliver(outcome.session, message);
  }

  message(id: string): DeliveredMessage | undefined {
    return this.messages.get(id);
  }

  /** A participant's messages, oldest first. */
  messagesOf(participantId: string): DeliveredMessage[] {
    return this.byParticipant.get(participantId) ?? [];
  }

  private remember(delivered: DeliveredMessage): void {
    if (this.messages.size >= MAX_REMEMBERED_MESSAGES) {
      const oldest = this.messages.values().next().value as DeliveredMessage;
      this.messages.delete(oldest.id);
      this.byParticipant.get(oldest.participantId)?.shift();
    }
    this.messages.set(delivered.id, delivered);
    const ofParticipant = this.byParticipant.get(delivered.participantId) ?? [];
    ofParticipant.push(delivered);
    this.byParticipant.set(delivered.participantId, ofParticipant);
  }
}

function customerOf(conversation: EmulatedConversation) {
  const customer = conversation.participants.find((participant) => participant.purpose === 'customer');
  if (!customer) throw new Error(`conversation ${conversation.id} has no customer participant`);
  return customer;
}
