import type { ConversationAnalytics } from './analytics';
import type { ConversationStore, EmulatedConversation } from './conversation-store';
import { generateConversations, type GeneratedKind, type GenerationRequest } from './conversation-generator';
import type { ConversationStream, StreamRequest, StreamStatus } from './conversation-stream';
import { EMULATOR_ROUTES, type EmulatorRoute, type Fault, type FaultInjector } from './fault-injector';
import type { InboundFlowData } from './participant-data';
import type { PerTokenRateLimiter, RateLimit } from './rate-limiter';
import type { TokenStore } from './token-store';
import type { WebMessaging } from './web-messaging';

export interface EmulatorCounters {
  /** Requests to POST /oauth/token, whatever their outcome. */
  tokenRequests: number;
  tokensIssued: number;
  /** Platform API requests per route, whatever their outcome. */
  apiCalls: Record<EmulatorRoute, number>;
  /** Responses by status code, token endpoint included. */
  responsesByStatus: Record<string, number>;
  /** 429s sent because a token went over its rate limit (injected 429s not included). */
  rateLimited: number;
  /** Guest API sessions started (`configureSession` answered with `newSession: true`). */
  guestSessions: number;
  /** Visitor messages delivered over the Guest API. */
  guestMessages: number;
  /** Guest API messages that carried the old top-level `channel.metadata`, which the platform ignores. */
  legacyAttributeLocations: number;
}

export interface EmulatorSettings {
  tokenLifetimeSeconds: number;
  rateLimit: RateLimit;
  analyticsJobDelayMs: number;
  /** How far the analytics data lake lags behind now (the jobs' availability date). */
  analyticsAvailabilityLagMs: number;
  dropCustomAttributes: boolean;
  /** Guest API messages one session may send per window before a 4029 (Genesys publishes the refusal, not the rate). */
  guestMessageRateLimit: RateLimit;
  /** What the inbound flow stand-in writes on new web messaging conversations' customer participant. */
  inboundFlow: InboundFlowData;
}

export interface IngestedMessage {
  deploymentId: string;
  customAttributes: Record<string, string>;
}

function emptyCounters(): EmulatorCounters {
  return {
    tokenRequests: 0,
    tokensIssued: 0,
    apiCalls: Object.fromEntries(EMULATOR_ROUTES.filter((r) => r !== 'oauth.token').map((r) => [r, 0])) as Record<
      EmulatorRoute,
      number
    >,
    responsesByStatus: {},
    rateLimited: 0,
    guestSessions: 0,
    guestMessages: 0,
    legacyAttributeLocations: 0,
  };
}

/** The typed control surface of a running emulator, for tests, demos and the admin routes. */
export class EmulatorControl {
  private countersState = emptyCounters();

  constructor(
    private readonly tokens: TokenStore,
    private readonly limiter: PerTokenRateLimiter,
    private readonly faults: FaultInjector,
    private readonly store: ConversationStore,
    private readonly analytics: ConversationAnalytics,
    private readonly webMessaging: WebMessaging,
    private readonly stream: ConversationStream,
    readonly deploymentId: string,
  ) {}

  /** Makes the next `count` requests to `route` fail as `kind`. */
  failNext(fault: Fault): void {
    this.faults.add(fault);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  pendingFaults(): readonly Fault[] {
    return this.faults.pending();
  }

  revokeAllTokens(): number {
    return this.tokens.revokeAll();
  }

  settings(): EmulatorSettings {
    return {
      tokenLifetimeSeconds: this.tokens.lifetimeSeconds,
      rateLimit: { ...this.limiter.settings },
      analyticsJobDelayMs: this.analytics.jobDelayMs,
      analyticsAvailabilityLagMs: this.analytics.availabilityLagMs,
      dropCustomAttributes: this.webMessaging.dropCustomAttributes,
      guestMessageRateLimit: { ...this.webMessaging.messageRate.settings },
      inboundFlow: structuredClone(this.store.inboundFlow),
    };
  }

  /** Applies to conversations created from now on. */
  setInboundFlow(data: InboundFlowData): void {
    this.store.inboundFlow = structuredClone(data);
  }

  setGuestMessageRateLimit(rateLimit: RateLimit): void {
    this.webMessaging.messageRate.settings = { ...rateLimit };
    this.webMessaging.messageRate.reset();
  }

  /**
   * The platform stops taking custom attributes from visitors' messages (a Messenger or platform change the canary must
   * notice).
   */
  setDropCustomAttributes(drop: boolean): void {
    this.webMessaging.dropCustomAttributes = drop;
  }

  /** Applies to tokens issued from now on. */
  setTokenLifetime(seconds: number): void {
    this.tokens.lifetimeSeconds = seconds;
  }

  /** Starts fresh windows for every token. */
  setRateLimit(rateLimit: RateLimit): void {
    this.limiter.settings = { ...rateLimit };
    this.limiter.reset();
  }

  setAnalyticsJobDelay(ms: number): void {
    this.analytics.jobDelayMs = ms;
  }

  setAnalyticsAvailabilityLag(ms: number): void {
    this.analytics.availabilityLagMs = ms;
  }

  /** The state of every details job submitted so far, oldest first. */
  analyticsJobStates(): string[] {
    return this.analytics.jobStates();
  }

  /**
   * Web messaging conversations over an interval with a chosen mix, for audits at scale (see
   * conversation-generator.ts).
   */
  generateConversations(request: GenerationRequest): Record<GeneratedKind, number> {
    return generateConversations(this.store, this.deploymentId, request);
  }

  /** Starts (or restarts) a stream of conversations arriving as the clock moves; see ConversationStream. */
  startConversationStream(request: StreamRequest): StreamStatus {
    return this.stream.start(request);
  }

  stopConversationStream(): StreamStatus {
    return this.stream.stop();
  }

  conversationStream(): StreamStatus {
    return this.stream.status();
  }

  counters(): EmulatorCounters {
    return structuredClone(this.countersState);
  }

  resetCounters(): void {
    this.countersState = emptyCounters();
  }

  /**
   * A visitor's first message, delivered in-process as the Guest API would: a new conversation carrying the attributes.
   */
  ingest(message: IngestedMessage): EmulatedConversation {
    if (message.deploymentId !== this.deploymentId)
      throw new Error('deploymentId does not name a Messenger deployment of this org');
    const delivered = this.webMessaging.deliverAlone({
      type: 'Text',
      text: 'Hi',
      customAttributes: message.customAttributes,
    });
    return this.store.get(delivered.conversationId) as EmulatedConversation;
  }

  conversation(id: string): EmulatedConversation | undefined {
    return this.store.get(id);
  }

  conversationIds(): string[] {
    return this.store.all().map((conversation) => conversation.id);
  }

  /** @internal bookkeeping for the request pipeline */
  record(update: (counters: EmulatorCounters) => void): void {
    update(this.countersState);
  }
}
