import type { FastifyInstance, FastifyReply } from 'fastify';
import type { EmulatorControl } from './emulator-control';
import { EMULATOR_ROUTES, FAULT_KINDS, type EmulatorRoute, type Fault } from './fault-injector';
import type { RateLimit } from './rate-limiter';
import { PLATFORM_ERRORS, sendPlatformError } from './platform-error';

function isFault(value: unknown): value is Fault {
  const fault = value as Partial<Fault> | null;
  return (
    typeof fault === 'object' &&
    fault !== null &&
    (fault.route === 'api' || EMULATOR_ROUTES.includes(fault.route as EmulatorRoute)) &&
    FAULT_KINDS.includes(fault.kind as Fault['kind']) &&
    Number.isInteger(fault.count) &&
    (fault.count ?? 0) > 0 &&
    (fault.retryAfterSeconds === undefined || fault.retryAfterSeconds === null || Number.isInteger(fault.retryAfterSeconds)) &&
    (fault.hangMs === undefined || (Number.isInteger(fault.hangMs) && fault.hangMs >= 0))
  );
}

/** Fault injection, token revocation, settings and counters: registered only in emulator mode. */
export function registerAdminRoutes(app: FastifyInstance, control: EmulatorControl): void {
  const badRequest = (reply: FastifyReply, message: string) => sendPlatformError(reply, PLATFORM_ERRORS.badRequest(message));

  app.post('/emulator/admin/faults', async (request, reply) => {
    if (!isFault(request.body)) {
      return badRequest(
        reply,
        `a fault is { route: api | ${EMULATOR_ROUTES.join(' | ')}, kind: ${FAULT_KINDS.join(' | ')}, count: positive integer, retryAfterSeconds?: integer | null, hangMs?: integer }`,
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
    const body = (request.body ?? {}) as { tokenLifetimeSeconds?: unknown; rateLimit?: Partial<RateLimit>; analyticsJobDelayMs?: unknown; dropCustomAttributes?: unknown };
    const positiveInteger = (value: unknown) => Number.isInteger(value) && (value as number) > 0;
    if (body.tokenLifetimeSeconds !== undefined && !positiveInteger(body.tokenLifetimeSeconds)) {
      return badRequest(reply, 'tokenLifetimeSeconds must be a positive integer');
    }
    if (body.rateLimit !== undefined && !(positiveInteger(body.rateLimit.limit) && positiveInteger(body.rateLimit.windowSeconds))) {
      return badRequest(reply, 'rateLimit must be { limit: positive integer, windowSeconds: positive integer }');
    }
    if (body.analyticsJobDelayMs !== undefined && !(Number.isInteger(body.analyticsJobDelayMs) && (body.analyticsJobDelayMs as number) >= 0)) {
      return badRequest(reply, 'analyticsJobDelayMs must be a non-negative integer');
    }
    if (body.dropCustomAttributes !== undefined && typeof body.dropCustomAttributes !== 'boolean') {
      return badRequest(reply, 'dropCustomAttributes must be true or false');
    }
    if (body.dropCustomAttributes !== undefined) control.setDropCustomAttributes(body.dropCustomAttributes as boolean);
    if (body.tokenLifetimeSeconds !== undefined) control.setTokenLifetime(body.tokenLifetimeSeconds as number);
    if (body.rateLimit !== undefined) control.setRateLimit(body.rateLimit as RateLimit);
    if (body.analyticsJobDelayMs !== undefined) control.setAnalyticsJobDelay(body.analyticsJobDelayMs as number);
    return control.settings();
  });

  app.get('/emulator/admin/counters', async () => control.counters());
  app.delete('/emulator/admin/counters', async (_request, reply) => {
    control.resetCounters();
    return reply.code(204).send();
  });
}
