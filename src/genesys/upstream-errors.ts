import { HttpStatus } from '@nestjs/common';
import { ApiError } from '../errors/api-error';

/**
 * Errors for our callers when Genesys Cloud, not the caller, is the problem. Never a 401: the caller's credentials were
 * fine.
 */
export const UpstreamErrors = {
  authFailed: (reason: string) =>
    new ApiError(
      HttpStatus.BAD_GATEWAY,
      'upstream_auth_failed',
      `Genesys Cloud did not accept the service's credentials: ${reason}`,
    ),
  forbidden: (permission: string) =>
    new ApiError(
      HttpStatus.BAD_GATEWAY,
      'upstream_forbidden',
      `The Genesys Cloud OAuth client lacks a permission: ${permission}`,
      [{ field: 'permission', code: 'missing_permission', message: permission }],
    ),
  rateLimited: (retryAfterSeconds: number) =>
    new ApiError(
      HttpStatus.TOO_MANY_REQUESTS,
      'upstream_rate_limited',
      `Genesys Cloud is rate limiting this service; retry after ${retryAfterSeconds} s.`,
      [],
      { 'retry-after': String(retryAfterSeconds) },
    ),
  timedOut: () =>
    new ApiError(HttpStatus.GATEWAY_TIMEOUT, 'upstream_unavailable', 'Genesys Cloud did not answer in time.'),
  unavailable: (detail: string) =>
    new ApiError(HttpStatus.BAD_GATEWAY, 'upstream_unavailable', `Genesys Cloud is unavailable: ${detail}`),
  invalidResponse: (problem: string) =>
    new ApiError(
      HttpStatus.BAD_GATEWAY,
      'upstream_invalid_response',
      `Genesys Cloud's answer cannot be used: ${problem}.`,
    ),
  shuttingDown: () =>
    new ApiError(
      HttpStatus.SERVICE_UNAVAILABLE,
      'shutting_down',
      'The service is shutting down; retry on another instance.',
      [],
      { 'retry-after': '1' },
    ),
  rejected: (status: number) =>
    new ApiError(
      HttpStatus.BAD_GATEWAY,
      'upstream_rejected',
      `Genesys Cloud refused the request with status ${status}.`,
    ),
};
