import type { AxiosResponse } from 'axios';
import { UpstreamErrors } from './upstream-errors';

/** Retry-After to assume when a 429 carries none (what Genesys's own SDKs assume). */
const DEFAULT_RETRY_AFTER_SECONDS = 3;
const BACKOFF_BASE_MS = 200;
const BACKOFF_CAP_MS = 5000;
const RETRYABLE_STATUSES = new Set([502, 503, 504]);

/** How to retry an attempt that failed, and what the caller gets when the budget is spent. */
export interface RetryPlan {
  waitMs: number;
  reason: string;
  giveUp: Error;
}

/** A number in [0, 1): Math.random in the service, fixed in specs. */
export type Random = () => number;

/** Full jitter: a random wait up to the exponential step, so retries from many callers spread out. */
export const backoffMs = (retry: number, random: Random) =>
  random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** retry);
/** Up to 10 % on top of Retry-After, so waiters released together do not return together. */
const retryAfterWithJitterMs = (seconds: number, random: Random) => seconds * 1000 * (1 + random() * 0.1);

function retryAfterSeconds(response: Pick<AxiosResponse, 'headers'>): number {
  const header = Number(response.headers['retry-after']);
  return Number.isFinite(header) && header >= 0 ? Math.ceil(header) : DEFAULT_RETRY_AFTER_SECONDS;
}

function missingPermission(response: Pick<AxiosResponse, 'data'>): string {
  const body = response.data as { message?: unknown; messageParams?: Record<string, unknown> } | undefined;
  const named = body?.messageParams?.permissions;
  if (typeof named === 'string') return named;
  const fromMessage = typeof body?.message === 'string' ? /\[([^\]]+)\]/.exec(body.message)?.[1] : undefined;
  return fromMessage ?? 'conversation:communication:view';
}

/**
 * What a response means: undefined when it is final for the caller (2xx, 401 and 404, and the
 * token endpoint's 4xx, which the callers map), a retry plan for 429 and 502/503/504; anything
 * else throws. `apiCall` is false for the token endpoint.
 */
export function planRetryOfResponse(
  response: Pick<AxiosResponse, 'status' | 'headers' | 'data'>,
  retries: number,
  apiCall: boolean,
  random: Random,
): RetryPlan | undefined {
  const status = response.status;
  if (status === 403) throw UpstreamErrors.forbidden(missingPermission(response));
  if (status === 429) {
    const seconds = retryAfterSeconds(response);
    return {
      waitMs: retryAfterWithJitterMs(seconds, random),
      reason: `rate limited (Retry-After ${seconds} s)`,
      giveUp: UpstreamErrors.rateLimited(seconds),
    };
  }
  if (RETRYABLE_STATUSES.has(status)) {
    return {
      waitMs: backoffMs(retries, random),
      reason: `status ${status}`,
      giveUp: status === 504 ? UpstreamErrors.timedOut() : UpstreamErrors.unavailable(`status ${status}`),
    };
  }
  if (status >= 500) throw UpstreamErrors.unavailable(`status ${status}`);
  if (status >= 400 && status !== 404 && status !== 401 && apiCall) throw UpstreamErrors.rejected(status);
  return undefined;
}

/** A request that got no answer (an axios error code): retried with backoff. */
export function planRetryOfNetworkError(code: string | undefined, retries: number, random: Random): RetryPlan {
  const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT';
  return {
    waitMs: backoffMs(retries, random),
    reason: timedOut ? 'timed out' : `connection failed (${code ?? 'unknown'})`,
    giveUp: timedOut ? UpstreamErrors.timedOut() : UpstreamErrors.unavailable(code ?? 'connection failed'),
  };
}

/** Whether another try fits: fewer than `maxRetries` so far, and its wait ends before the deadline. */
export const retryFits = (
  retries: number,
  maxRetries: number,
  nowMs: number,
  waitMs: number,
  deadlineMs: number,
): boolean => retries < maxRetries && nowMs + waitMs <= deadlineMs;
