import { ApiError } from '../errors/api-error';
import { GenesysRateLimiter, nextSlot } from './genesys-rate-limiter';
import type { GenesysConfig } from './genesys.config';
import { ServiceMetrics } from '../metrics/service-metrics';
import { inMemorySharedState } from '../../test/support/in-memory-shared-state';
import { ManualClock, settled } from '../../test/support/manual-clock';

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
  // 3 per second; the limiter adds 20 ms of margin to the window, so a slot frees 1,020 ms after it was taken.
  const limiter = (clock = new ManualClock()) =>
    new GenesysRateLimiter(
      { rateLimit: { requests: 3, windowSeconds: 1 }, clientId: 'c' } as GenesysConfig,
      inMemorySharedState(),
      clock,
      new ServiceMetrics(),
    );
  const refusal = (promise: Promise<void>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error as ApiError,
    );

  it('admits the limit at once, then refuses a caller whose turn is beyond its budget with the real wait, holding no slot', async () => {
    const rate = limiter();
    for (let i = 0; i < 3; i += 1) await rate.acquire(0);
    const refused = await refusal(rate.acquire(500));
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused!.getStatus()).toBe(429);
    expect(refused!.headers['retry-after']).toBe('2');
    // Refused callers reserve nothing: a second refusal names the same wait.
    expect((await refusal(rate.acquire(500)))!.headers['retry-after']).toBe('2');
  });

  it('lets a caller whose turn comes within its budget wait for exactly that turn', async () => {
    const clock = new ManualClock();
    const rate = limiter(clock);
    for (let i = 0; i < 3; i += 1) await rate.acquire(0);
    await clock.elapse(400);
    let admitted = false;
    const waiting = rate.acquire(1000).then(() => (admitted = true));
    await settled();
    await clock.elapse(619);
    expect(admitted).toBe(false);
    await clock.elapse(1);
    await waiting;
    expect(admitted).toBe(true);
  });

  it('hands out the slots of a full window in order, one window apart, never more than the limit in any window', async () => {
    const clock = new ManualClock();
    const rate = limiter(clock);
    const admittedAt: number[] = [];
    const callers = Array.from({ length: 9 }, () =>
      rate.acquire(10_000).then(() => admittedAt.push(clock.now() - start)),
    );
    const start = clock.now();
    await settled();
    for (let step = 0; step < 3; step += 1) await clock.elapse(1020);
    await Promise.all(callers);
    expect(admittedAt).toEqual([0, 0, 0, 1020, 1020, 1020, 2040, 2040, 2040]);
  });

  it('answers queued callers 503 at once when the application shuts down', async () => {
    const rate = limiter();
    for (let i = 0; i < 3; i += 1) await rate.acquire(0);
    const queued = refusal(rate.acquire(5000));
    rate.beforeApplicationShutdown();
    const outcome = (await queued)!;
    expect(outcome.getStatus()).toBe(503);
    expect(outcome.code).toBe('shutting_down');
  });

  it('refuses callers beyond the waiting cap at once, with a full window as the wait', async () => {
    const clock = new ManualClock();
    const rate = new GenesysRateLimiter(
      { rateLimit: { requests: 1, windowSeconds: 100_000 }, clientId: 'c' } as GenesysConfig,
      inMemorySharedState(),
      clock,
      new ServiceMetrics(),
    );
    await rate.acquire(0);
    const queued = Array.from({ length: 5000 }, () => refusal(rate.acquire(Number.MAX_SAFE_INTEGER)));
    await settled();
    expect(clock.sleepers).toBe(5000);
    const beyond = await refusal(rate.acquire(Number.MAX_SAFE_INTEGER));
    expect(beyond!.getStatus()).toBe(429);
    expect(Number(beyond!.headers['retry-after'])).toBeGreaterThanOrEqual(100_000);
    rate.beforeApplicationShutdown();
    expect((await Promise.all(queued)).every((error) => error?.getStatus() === 503)).toBe(true);
  });
});
