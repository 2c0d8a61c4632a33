import { RedisOutage } from '../cache-store/redis-outage';
import type { Cache } from '@nestjs/cache-manager';
import type { RedisConnection } from '../cache-store/redis-connection';
import { SharedStateStore } from '../cache-store/shared-state.store';
import { ServiceMetrics } from '../metrics/service-metrics';
import { AttributeLedger } from './attribute-ledger';
import type { AttributeSignatureConfig } from './attribute-signature.config';

/** A Redis whose pipelines the test sees, and which can refuse them. */
function fakeRedis() {
  const pipelines: string[][] = [];
  const stored = new Map<string, string>();
  let refuse = false;
  const client = {
    isReady: true,
    multi: () => {
      const keys: string[] = [];
      const pipeline = {
        set: (key: string, value: string) => {
          keys.push(key);
          stored.set(key, value);
          return pipeline;
        },
        execAsPipeline: async () => {
          if (refuse) throw new Error('OOM command not allowed');
          pipelines.push(keys);
          return [];
        },
      };
      return pipeline;
    },
    get: async (key: string) => stored.get(key) ?? null,
  };
  const connection = {
    client,
    configured: true,
    key: (name: string) => `p:${name}`,
    run: <T>(command: () => Promise<T>) => command(),
  } as unknown as RedisConnection;
  return { connection, pipelines, refuse: () => (refuse = true) };
}

const config = { ledgerTtlSeconds: 60 } as AttributeSignatureConfig;
const set = (userId: string) => ({ userId, issuedAt: '2026-11-24T09:00:00.000Z', attributes: { userId } });

describe('AttributeLedger, written behind the answer', () => {
  it('writes the sets recorded in one turn in one pipeline, an unchanged set once', async () => {
    const redis = fakeRedis();
    const ledger = new AttributeLedger(
      new SharedStateStore(
        redis.connection,
        {} as Cache,
        new ServiceMetrics(),
        new RedisOutage({ warn: () => undefined, log: () => undefined }),
      ),
      config,
    );
    ledger.record('n1', set('a'));
    ledger.record('n2', set('b'));
    ledger.record('n1', set('a'));
    expect(redis.pipelines).toEqual([]);
    await ledger.flushed();
    expect(redis.pipelines).toEqual([['p:ledger:n1', 'p:ledger:n2']]);
  });

  it('finds a set at once, before it reaches Redis, and after Redis refused it', async () => {
    const redis = fakeRedis();
    redis.refuse();
    const ledger = new AttributeLedger(
      new SharedStateStore(
        redis.connection,
        {} as Cache,
        new ServiceMetrics(),
        new RedisOutage({ warn: () => undefined, log: () => undefined }),
      ),
      config,
    );
    ledger.record('n1', set('a'));
    expect(await ledger.find('n1')).toEqual(set('a'));
    await ledger.flushed();
    expect(await ledger.find('n1')).toEqual(set('a'));
  });

  it('reads what another instance wrote from Redis', async () => {
    const redis = fakeRedis();
    const writer = new AttributeLedger(
      new SharedStateStore(
        redis.connection,
        {} as Cache,
        new ServiceMetrics(),
        new RedisOutage({ warn: () => undefined, log: () => undefined }),
      ),
      config,
    );
    const reader = new AttributeLedger(
      new SharedStateStore(
        redis.connection,
        {} as Cache,
        new ServiceMetrics(),
        new RedisOutage({ warn: () => undefined, log: () => undefined }),
      ),
      config,
    );
    writer.record('n1', set('a'));
    await writer.flushed();
    expect(await reader.find('n1')).toEqual(set('a'));
    expect(await reader.find('unknown')).toBeUndefined();
  });

  it('keeps at most 10,000 sets waiting for a Redis slower than traffic; the rest stay in memory alone', async () => {
    const redis = fakeRedis();
    const ledger = new AttributeLedger(
      new SharedStateStore(
        redis.connection,
        {} as Cache,
        new ServiceMetrics(),
        new RedisOutage({ warn: () => undefined, log: () => undefined }),
      ),
      config,
    );
    for (let index = 0; index < 10_050; index += 1) ledger.record(`n${index}`, set(`u${index}`));
    await ledger.flushed();
    expect(redis.pipelines.flat()).toHaveLength(10_000);
    expect(await ledger.find('n10049')).toEqual(set('u10049'));
  });
});
