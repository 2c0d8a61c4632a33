import type { FastifyInstance, FastifyReply } from 'fastify';
import type { EmulatorControl } from './emulator-control';
import { EMULATOR_ROUTES, FAULT_KINDS, GUEST_MESSAGE_FAULTS, type EmulatorRoute, type Fault } from './fault-injector';
import { isParticipantData } from './participant-data';
import type { RateLimit } from './rate-limiter';
import {
  GENERATED_KINDS,
  GenerationError,
  MAX_GENERATED_CONVERSATIONS,
  type GenerationAttributeSet,
  type GenerationRequest,
} from './conversation-generator';
import type { StreamRequest } from './conversation-stream';
import { PLATFORM_ERRORS, sendPlatformError } from './platform-error';

function isFault(value: unknown): value is Fault {
  const fault = value as Partial<Fault> | null;
  return (
    typeof fault === 'object' &&
    fault !== null &&
    (fault.route === 'api' ||
      fault.route === GUEST_MESSAGE_FAULTS ||
      EMULATOR_ROUTES.includes(fault.route as EmulatorRoute)) &&
    FAULT_KINDS.includes(fault.kind as Fault['kind']) &&
    Number.isInteger(fault.count) &&
    (fault.count ?? 0) > 0 &&
    (fault.retryAfterSeconds === undefined ||
      fault.retryAfterSeconds === null ||
      Number.isInteger(fault.retryAfterSeconds)) &&
    (fault.hangMs === undefined || (Number.isInteger(fault.hangMs) && fault.hangMs >= 0))
  );
}

/** Fault injection, token revocation, settings and counters: registered only in emulator mode. */
export function registerAdminRoutes(app: FastifyInstance, control: EmulatorControl): void {
  const badRequest = (reply: FastifyReply, message: string) =>
    sendPlatformError(reply, PLATFORM_ERRORS.badRequest(message));

  app.post('/emulator/admin/faults', async (request, reply) => {
    if (!isFault(request.body)) {
      return badRequest(
        reply,
        `a fault is { route: api | ${EMULATOR_ROUTES.join(' | ')} | ${GUEST_MESSAGE_FAULTS}, kind: ${FAULT_KINDS.join(' | ')}, count: positive integer, retryAfterSeconds?: integer | null, hangMs?: integer }`,
      );
    }
    control.failNext(request.body);
    return reply.code(201).send({ pending: control.pendingFaults() });
  });
  app.get('/emulator/admin/faults', async () => ({ pending: control.pendingFaults() }));
  app.delete('/emulator/admin/faults', async (_request, reply) => {
    control.clearFaults();
    return reply.code(204).send();
  });

  app.post('/emulator/admin/tokens/revoke', async () => ({ revoked: control.revokeAllTokens() }));

  app.get('/emulator/admin/settings', async () => control.settings());
  app.put('/emulator/admin/settings', async (request, reply) => {
    const body = (request.body ?? {}) as {
      tokenLifetimeSeconds?: unknown;
      rateLimit?: Partial<RateLimit>;
      analyticsJobDelayMs?: unknown;
      analyticsAvailabilityLagMs?: unknown;
      dropCustomAttributes?: unknown;
      guestMessageRateLimit?: Partial<RateLimit>;
      inboundFlow?: { onStart?: unknown; inQueue?: unknown };
    };
    const positiveInteger = (value: unknown) => Number.isInteger(value) && (value as number) > 0;
    if (body.tokenLifetimeSeconds !== undefined && !positiveInteger(body.tokenLifetimeSeconds)) {
      return badRequest(reply, 'tokenLifetimeSeconds must be a positive integer');
    }
    if (
      body.rateLimit !== undefined &&
      !(positiveInteger(body.rateLimit.limit) && positiveInteger(body.rateLimit.windowSeconds))
    ) {
      return badRequest(reply, 'rateLimit must be { limit: positive integer, windowSeconds: positive integer }');
    }
    if (
      body.analyticsJobDelayMs !== undefined &&
      !(Number.isInteger(body.analyticsJobDelayMs) && (body.analyticsJobDelayMs as number) >= 0)
    ) {
      return badRequest(reply, 'analyticsJobDelayMs must be a non-negative integer');
    }
    if (
      body.analyticsAvailabilityLagMs !== undefined &&
      !(Number.isInteger(body.analyticsAvailabilityLagMs) && (body.analyticsAvailabilityLagMs as number) >= 0)
    ) {
      return badRequest(reply, 'analyticsAvailabilityLagMs must be a non-negative integer');
    }
    const isRateLimit = (value: Partial<RateLimit>) =>
      positiveInteger(value.limit) && positiveInteger(value.windowSeconds);
    if (body.guestMessageRateLimit !== undefined && !isRateLimit(body.guestMessageRateLimit)) {
      return badRequest(
        reply,
        'guestMessageRateLimit must be { limit: positive integer, windowSeconds: positive integer }',
      );
    }
    if (body.dropCustomAttributes !== undefined && typeof body.dropCustomAttributes !== 'boolean') {
      return badRequest(reply, 'dropCustomAttributes must be true or false');
    }
    const flow = body.inboundFlow;
    if (
      flow !== undefined &&
      !(
        typeof flow === 'object' &&
        flow !== null &&
        isParticipantData(flow.onStart ?? {}) &&
        isParticipantData(flow.inQueue ?? {})
      )
    ) {
      return badRequest(
        reply,
        'inboundFlow must be { onStart?: { name: string value }, inQueue?: { name: string value } }',
      );
    }
    if (flow !== undefined)
      control.setInboundFlow({
        onStart: (flow.onStart ?? {}) as Record<string, string>,
        inQueue: (flow.inQueue ?? {}) as Record<string, string>,
      });
    if (body.dropCustomAttributes !== undefined) control.setDropCustomAttributes(body.dropCustomAttributes as boolean);
    if (body.guestMessageRateLimit !== undefined)
      control.setGuestMessageRateLimit(body.guestMessageRateLimit as RateLimit);
    if (body.tokenLifetimeSeconds !== undefined) control.setTokenLifetime(body.tokenLifetimeSeconds as number);
    if (body.rateLimit !== undefined) control.setRateLimit(body.rateLimit as RateLimit);
    if (body.analyticsJobDelayMs !== undefined) control.setAnalyticsJobDelay(body.analyticsJobDelayMs as number);
    if (body.analyticsAvailabilityLagMs !== undefined)
      control.setAnalyticsAvailabilityLag(body.analyticsAvailabilityLagMs as number);
    return control.settings();
  });

  app.post('/emulator/admin/conversations/generate', { bodyLimit: 64 * 1024 * 1024 }, async (request, reply) => {
    const generation = generationRequest(request.body);
    if (typeof generation === 'string') return badRequest(reply, generation);
    try {
      return reply.code(201).send({ generated: control.generateConversations(generation) });
    } catch (error) {
      if (error instanceof GenerationError) return badRequest(reply, error.message);
      throw error;
    }
  });

  // Conversations that keep arriving as the clock moves (see ConversationStream): PUT starts or restarts, DELETE stops.
  app.get('/emulator/admin/conversations/stream', async () => control.conversationStream());
  app.put('/emulator/admin/conversations/stream', { bodyLimit: 1024 * 1024 }, async (request, reply) => {
    const stream = streamRequest(request.body);
    if (typeof stream === 'string') return badRequest(reply, stream);
    try {
      return control.startConversationStream(stream);
    } catch (error) {
      if (error instanceof GenerationError) return badRequest(reply, error.message);
      throw error;
    }
  });
  app.delete('/emulator/admin/conversations/stream', async () => control.stopConversationStream());

  app.get('/emulator/admin/counters', async () => control.counters());
  app.delete('/emulator/admin/counters', async (_request, reply) => {
    control.resetCounters();
    return reply.code(204).send();
  });
}

const isStringMap = (value: unknown): value is Record<string, string> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.values(value).every((entry) => typeof entry === 'string');

/** The generation request in the body, or what is wrong with it. */
function generationRequest(body: unknown): GenerationRequest | string {
  const shape =
    '{ interval: "start/end", mix: { intact?, tampered?, unsigned?, late?, legacy? }: counts, attributeSets: [{ attributes, issuedAt, expiresAt }], signatureAttribute, queueId? }';
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const [startText, endText] = typeof input.interval === 'string' ? input.interval.split('/') : [];
  const start = Date.parse(startText ?? '');
  const end = Date.parse(endText ?? '');
  if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start)
    return `interval must be two ISO-8601 date-times, start before end: ${shape}`;
  const recipe = recipeOf(input, shape);
  return typeof recipe === 'string' ? recipe : { start, end, ...recipe };
}

/** The stream request in the body, or what is wrong with it. */
function streamRequest(body: unknown): StreamRequest | string {
  const shape =
    '{ perMinute, mix: { intact?, tampered?, unsigned?, late?, legacy? }: proportions, attributeSets: [{ attributes, issuedAt, expiresAt }], signatureAttribute, queueId? }';
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (!Number.isInteger(input.perMinute)) return `perMinute must be a whole number: ${shape}`;
  const recipe = recipeOf(input, shape);
  return typeof recipe === 'string' ? recipe : { perMinute: input.perMinute as number, ...recipe };
}

/** What a generation and a stream share: the mix, the signed sets, the signature's name, the queue. */
function recipeOf(input: Record<string, unknown>, shape: string): Omit<GenerationRequest, 'start' | 'end'> | string {
  const mix = (typeof input.mix === 'object' && input.mix !== null ? input.mix : undefined) as
    Record<string, unknown> | undefined;
  const sets = Array.isArray(input.attributeSets) ? input.attributeSets : undefined;
  if (
    !mix ||
    !Object.entries(mix).every(
      ([kind, count]) => GENERATED_KINDS.includes(kind as never) && Number.isInteger(count) && (count as number) >= 0,
    )
  ) {
    return `mix must count conversations of these kinds: ${GENERATED_KINDS.join(', ')} (at most ${MAX_GENERATED_CONVERSATIONS} in all)`;
  }
  const attributeSets: GenerationAttributeSet[] = [];
  for (const set of sets ?? []) {
    const candidate = set as Record<string, unknown>;
    const issuedAt = Date.parse(String(candidate?.issuedAt));
    const expiresAt = Date.parse(String(candidate?.expiresAt));
    if (!isStringMap(candidate?.attributes) || !Number.isFinite(issuedAt) || !Number.isFinite(expiresAt))
      return `each attribute set is { attributes: string map, issuedAt, expiresAt }: ${shape}`;
    attributeSets.push({ attributes: candidate.attributes, issuedAt, expiresAt });
  }
  if (typeof input.signatureAttribute !== 'string' || input.signatureAttribute === '')
    return `signatureAttribute names the attribute that holds the signature: ${shape}`;
  if (input.queueId !== undefined && typeof input.queueId !== 'string') return 'queueId must be a string';
  return {
    mix: mix as GenerationRequest['mix'],
    attributeSets,
    signatureAttribute: input.signatureAttribute,
    ...(typeof input.queueId === 'string' ? { queueId: input.queueId } : {}),
  };
}
