import { type ApiError } from '../errors/api-error';
import { backoffMs, planRetryOfNetworkError, planRetryOfResponse, retryFits } from './retry-plan';

const response = (status: number, headers: Record<string, string> = {}, data: unknown = {}) => ({
  status,
  headers,
  data,
});
const highest = () => 0.999_999;
const lowest = () => 0;
const thrown = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected a throw');
};

describe('planRetryOfResponse', () => {
  it.each([200, 201, 401, 404])('treats %i as final for an API call', (status) => {
    expect(planRetryOfResponse(response(status), 0, true, lowest)).toBeUndefined();
  });

  it.each([400, 401, 404, 429 - 1])("leaves the token endpoint's %i to its caller", (status) => {
    expect(planRetryOfResponse(response(status), 0, false, lowest)).toBeUndefined();
  });

  it.each([
    [403, 'upstream_forbidden', 502],
    [400, 'upstream_rejected', 502],
    [500, 'upstream_unavailable', 502],
    [501, 'upstream_unavailable', 502],
  ])('throws on %i for an API call: %s', (status, code, ourStatus) => {
    const error = thrown(() => planRetryOfResponse(response(status), 0, true, lowest));
    expect(error.code).toBe(code);
    expect(error.getStatus()).toBe(ourStatus);
  });

  it('names the permission a 403 says is missing', () => {
    const error = thrown(() =>
      planRetryOfResponse(
        response(403, {}, { messageParams: { permissions: 'analytics:conversationDetail:view' } }),
        0,
        true,
        lowest,
      ),
    );
    expect(JSON.stringify(error.details)).toContain('analytics:conversationDetail:view');
  });

  it.each([
    ['5', 5000, 5500],
    ['0', 0, 0],
    [undefined, 3000, 3300],
    ['soon', 3000, 3300],
  ])('waits Retry-After %s plus at most 10 %% on a 429, and gives up with that Retry-After', (header, low, high) => {
    const headers: Record<string, string> = header === undefined ? {} : { 'retry-after': header };
    const atLeast = planRetryOfResponse(response(429, headers), 0, true, lowest)!;
    const atMost = planRetryOfResponse(response(429, headers), 0, true, highest)!;
    expect(atLeast.waitMs).toBe(low);
    expect(atMost.waitMs).toBeLessThanOrEqual(high);
    expect((atLeast.giveUp as ApiError).getStatus()).toBe(429);
  });

  it.each([
    [502, 'upstream_unavailable', 502],
    [503, 'upstream_unavailable', 502],
    [504, 'upstream_unavailable', 504],
  ])('retries %i with backoff, giving up as %s', (status, code, ourStatus) => {
    const plan = planRetryOfResponse(response(status), 2, true, highest)!;
    expect(plan.waitMs).toBeCloseTo(800, 0);
    expect((plan.giveUp as ApiError).code).toBe(code);
    expect((plan.giveUp as ApiError).getStatus()).toBe(ourStatus);
  });
});

describe('backoffMs', () => {
  it.each([
    [0, 200],
    [1, 400],
    [4, 3200],
    [5, 5000],
    [30, 5000],
  ])('retry %i waits up to %i ms, and as little as 0 (full jitter)', (retry, cap) => {
    expect(backoffMs(retry, highest)).toBeCloseTo(cap, 0);
    expect(backoffMs(retry, lowest)).toBe(0);
  });
});

describe('planRetryOfNetworkError', () => {
  it.each([
    ['ECONNABORTED', 'timed out', 504],
    ['ETIMEDOUT', 'timed out', 504],
    ['ECONNREFUSED', 'connection failed (ECONNREFUSED)', 502],
    [undefined, 'connection failed (unknown)', 502],
  ])('%s: %s, giving up with %i', (code, reason, giveUp) => {
    const plan = planRetryOfNetworkError(code, 0, lowest);
    expect(plan.reason).toBe(reason);
    expect((plan.giveUp as ApiError).getStatus()).toBe(giveUp);
  });
});

describe('retryFits', () => {
  it.each([
    ['a retry left and time for its wait', 0, 1000, true],
    ['no retry left', 3, 1000, false],
    ['a wait ending exactly at the deadline', 0, 29_000, true],
    ['a wait ending after the deadline', 0, 29_001, false],
  ])('%s', (_label, retries, waitMs, fits) => {
    expect(retryFits(retries, 3, 1000, waitMs, 30_000)).toBe(fits);
  });
});
