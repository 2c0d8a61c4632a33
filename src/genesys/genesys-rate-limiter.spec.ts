import type { RedisConnection } from '../cache-store/redis-connection';
import { ApiError } from '../errors/api-error';
import { GenesysRateLimiter, nextSlot } from './genesys-rate-limiter';
import type { GenesysConfig } from './genesys.config';

describe('nextSlot', () => {
  it.each([
    ['an empty log', [], 1000, 1000],
    ['room left in the window', [500, 900], 1000, 1000],
    ['a full window: when the oldest of the last three leaves', [500, 900, 950], 1000, 1500],
    ['reservations in the future: after the third newest', [500, 900, 1500, 1600], 1000, 1900],
    ['a slot already past', [-100, 10, 20], 1000, 1000],
  ])('%s', (_label, slots, now, slot) => {
    expect(nextSlot(slots, now, 3, 1000)).toBe(slot);
  });
});

describe('GenesysRateLimiter without Redis', () => {
  // 3 per second; the limiter adds 20 ms of margin to the window.
  const limiter = () =>
    new GenesysRateLimiter({ rateLimit: { requests: 3, windowSeconds: 1 }, clientId: 'c' } as GenesysConfig, { client: undefined, key: (name: string) => name } as unknown as RedisConnection);

  it('admits the limit at once, then refuses a caller whose turn is beyond its budget with the real wait, holding no slot', async () => {
    const rate = limiter();
    for (let i = 0; i < 3; i += 1) await rate.acquire(0);
    const refusal = await rate.acquire(500).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ApiError);
    expect((refusal as ApiError).getStatus()).toBe(429);
    expect(Number((refusal as ApiError).headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Refused callers reserve nothing: a second refusal names the same wait.
    const again = (await rate.acquire(500).catch((error: unknown) => error)) as ApiError;
    expect(again.headers['retry-after']).toBe((refusal as ApiError).headers['retry-after']);
  });

  it('answers queued callers 503 at once when the application shuts down', async () => {
    const rate = limiter();
    for (let i = 0; i < 3; i += 1) await rate.acquire(0);
    const queued = rate.acquire(5000).catch((error: unknown) => error);
    rate.beforeApplicationShutdown();
    const outcome = (await queued) as ApiError;
    expect(outcome.getStatus()).toBe(503);
    expect(outcome.code).toBe('shutting_down');
  });
});
