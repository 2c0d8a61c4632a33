import type { Cache } from '@nestjs/cache-manager';
import { GenesysTokenService, type CachedToken, type IssuedToken } from './genesys-token.service';
import type { GenesysConfig } from './genesys.config';
import { inMemorySharedState } from '../../test/support/in-memory-shared-state';
import { ManualClock, settled } from '../../test/support/manual-clock';

/** A shared tier whose delete completes only when the test says, as a slow Redis would. */
function slowSharedTier(initial: CachedToken) {
  let stored: CachedToken | undefined = initial;
  let finishDelete: () => void = () => undefined;
  const cache = {
    get: async () => stored,
    set: async (_key: string, token: CachedToken) => {
      stored = token;
    },
    del: () =>
      new Promise<boolean>((resolve) => {
        finishDelete = () => {
          stored = undefined;
          resolve(true);
        };
      }),
  };
  return { cache: cache as unknown as Cache, finishDelete: () => finishDelete(), stored: () => stored };
}

const config = { clientId: 'client', tokenRefreshBufferSeconds: 300 } as GenesysConfig;
const longLived = (value: string, now: number): CachedToken => ({
  value,
  expiresAt: now + 3_600_000,
  refreshAt: now + 3_000_000,
});

describe('GenesysTokenService.invalidate', () => {
  it('never hands out a refused token again, even while the shared copy is still being deleted', async () => {
    const clock = new ManualClock();
    const tier = slowSharedTier(longLived('refused', clock.now()));
    const tokens = new GenesysTokenService(inMemorySharedState(tier.cache), config, clock);
    const issued: IssuedToken[] = [];
    const source = async () => {
      const token = { accessToken: `fresh-${issued.length + 1}`, expiresInSeconds: 3600 };
      issued.push(token);
      return token;
    };
    expect(await tokens.getToken(source)).toBe('refused');

    const invalidation = tokens.invalidate('refused');
    // Another caller asks while the delete has not reached the shared tier yet.
    const next = await tokens.getToken(source);
    tier.finishDelete();
    await invalidation;

    expect(next).toBe('fresh-1');
    expect(await tokens.getToken(source)).toBe('fresh-1');
    expect(issued).toHaveLength(1);
  });

  it('leaves a token another instance stored meanwhile alone', async () => {
    const clock = new ManualClock();
    const tier = slowSharedTier(longLived('other-instance-fresh', clock.now()));
    const tokens = new GenesysTokenService(inMemorySharedState(tier.cache), config, clock);
    await tokens.invalidate('refused');
    expect(tier.stored()?.value).toBe('other-instance-fresh');
  });
});

/** A token endpoint the test answers by hand: each request waits until the test issues its token. */
function tokenEndpoint() {
  const pending: ((token: IssuedToken) => void)[] = [];
  let requests = 0;
  const source = () =>
    new Promise<IssuedToken>((resolve) => {
      requests += 1;
      pending.push(resolve);
    });
  const issue = (accessToken: string, expiresInSeconds: number) => pending.shift()!({ accessToken, expiresInSeconds });
  return { source, issue, requests: () => requests };
}

describe('GenesysTokenService refresh timing', () => {
  const setUp = (bufferSeconds = 300) => {
    const clock = new ManualClock();
    const tokens = new GenesysTokenService(
      inMemorySharedState(),
      { ...config, tokenRefreshBufferSeconds: bufferSeconds },
      clock,
    );
    return { clock, tokens, endpoint: tokenEndpoint() };
  };

  it('makes one token request for 200 concurrent cold callers, and none while the token is fresh', async () => {
    const { clock, tokens, endpoint } = setUp();
    const callers = Array.from({ length: 200 }, () => tokens.getToken(endpoint.source));
    await settled();
    endpoint.issue('t1', 86_400);
    expect(new Set(await Promise.all(callers))).toEqual(new Set(['t1']));
    await clock.elapse((86_400 - 300) * 1000 - 1);
    expect(await tokens.getToken(endpoint.source)).toBe('t1');
    expect(endpoint.requests()).toBe(1);
  });

  it('inside the refresh buffer, keeps serving the token while one background refresh replaces it', async () => {
    const { clock, tokens, endpoint } = setUp();
    const first = tokens.getToken(endpoint.source);
    await settled();
    endpoint.issue('t1', 3600);
    await first;
    await clock.elapse((3600 - 300) * 1000);
    const during = await Promise.all(Array.from({ length: 20 }, () => tokens.getToken(endpoint.source)));
    expect(new Set(during)).toEqual(new Set(['t1']));
    await settled();
    expect(endpoint.requests()).toBe(2);
    endpoint.issue('t2', 3600);
    await settled();
    expect(await tokens.getToken(endpoint.source)).toBe('t2');
    expect(endpoint.requests()).toBe(2);
  });

  it('caps the buffer at half a short lifetime, so a 2 s token is not refreshed on every call', async () => {
    const { clock, tokens, endpoint } = setUp(300);
    const first = tokens.getToken(endpoint.source);
    await settled();
    endpoint.issue('short', 2);
    await first;
    await clock.elapse(999);
    expect(await tokens.getToken(endpoint.source)).toBe('short');
    expect(endpoint.requests()).toBe(1);
    await clock.elapse(1);
    expect(await tokens.getToken(endpoint.source)).toBe('short');
    await settled();
    expect(endpoint.requests()).toBe(2);
  });

  it('after expiry, makes callers wait for the new token instead of handing out the old one', async () => {
    const { clock, tokens, endpoint } = setUp();
    const first = tokens.getToken(endpoint.source);
    await settled();
    endpoint.issue('t1', 600);
    await first;
    await clock.elapse(600_000);
    let answered: string | undefined;
    const waiting = tokens.getToken(endpoint.source).then((token) => (answered = token));
    await settled();
    expect(answered).toBeUndefined();
    endpoint.issue('t2', 600);
    await waiting;
    expect(answered).toBe('t2');
  });
});
