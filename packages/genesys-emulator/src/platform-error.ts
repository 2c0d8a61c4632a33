import type { FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';

/** The Platform API's `ErrorBody`, as the SDKs declare it. */
export interface PlatformErrorBody {
  message: string;
  code: string;
  status: number;
  messageWithParams: string;
  messageParams: Record<string, string>;
  contextId: string;
  details: unknown[];
  errors: unknown[];
}

export function platformError(
  status: number,
  code: string,
  message: string,
  messageParams: Record<string, string> = {},
): PlatformErrorBody {
  const messageWithParams = Object.keys(messageParams).reduce(
    (text, key) => text.replace(messageParams[key], `{${key}}`),
    message,
  );
  return { message, code, status, messageWithParams, messageParams, contextId: randomUUID(), details: [], errors: [] };
}

export const PLATFORM_ERRORS = {
  badRequest: (message = 'The request could not be understood by the server due to malformed syntax.') =>
    platformError(400, 'bad.request', message),
  authenticationRequired: () =>
    platformError(401, 'authentication.required', 'No authentication bearer token specified in authorization header.'),
  badCredentials: () => platformError(401, 'bad.credentials', 'Invalid login credentials.'),
  missingPermissions: (permission: string) =>
    platformError(
      403,
      'missing.permissions',
      `Unable to perform the requested action. You are missing the following permission(s): [${permission}]`,
      { permissions: permission },
    ),
  notFound: () => platformError(404, 'not.found', 'The requested resource was not found.'),
  /** The emulator's own refusal (its admin routes), in the platform's error shape. */
  forbidden: (message: string) => platformError(403, 'forbidden', message),
  tooManyRequests: (limit: number, windowSeconds: number) =>
    platformError(
      429,
      'too.many.requests',
      `Rate limit exceeded the maximum [${limit}] requests within [${windowSeconds}] seconds`,
      {
        limit: String(limit),
        window: String(windowSeconds),
      },
    ),
  internalServerError: () =>
    platformError(500, 'internal.server.error', 'The server encountered an unexpected condition.'),
  serviceUnavailable: () => platformError(503, 'service.unavailable', 'Service is unavailable.'),
};

export function sendPlatformError(reply: FastifyReply, body: PlatformErrorBody, headers: Record<string, string> = {}) {
  return reply
    .code(body.status)
    .headers({ 'inin-correlation-id': body.contextId, ...headers })
    .send(body);
}
