import type { Cache } from '@nestjs/cache-manager';
import type { RedisConnection } from '../cache-store/redis-connection';
import type { RedisLock } from '../cache-store/redis-lock';
import { GenesysTokenService, type CachedToken, type IssuedToken } from './genesys-token.service';
import type { GenesysConfig } from './genesys.config';

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

const noLock = { tryAcquire: async () => ({ outcome: 'unavailable' as const }) } as unknown as RedisLock;
const passThrough = { run: <T>(command: () => Promise<T>) => command(), key: (name: string) => `test:${name}` } as unknown as RedisConnection;
const config = { clientId: 'client', tokenRefreshBufferSeconds: 300 } as GenesysConfig;
const longLived = (value: string): CachedToken => ({ value, expiresAt: Date.now() + 3_600_000, refreshAt: Date.now() + 3_000_000 });

describe('GenesysTokenService.invalidate', () => {
  it('never hands out a refused token again, even while the shared copy is still being deleted', async () => {
    const tier = slowSharedTier(longLived('refused'));
    const tokens = new GenesysTokenService(tier.cache, noLock, passThrough, config);
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
    const tier = slowSharedTier(longLived('other-instance-fresh'));
    const tokens = new GenesysTokenService(tier.cache, noLock, passThrough, config);
    await tokens.invalidate('refused');
    expect(tier.stored()?.value).toBe('other-instance-fresh');
  });
});
