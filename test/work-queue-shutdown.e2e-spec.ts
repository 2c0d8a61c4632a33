import { Logger } from '@nestjs/common';
import { JobScheduler } from 'bullmq';
import { RedisOutage } from '../src/cache-store/redis-outage';
import { WorkQueues } from '../src/cache-store/work-queue';
import {
  redisServerAvailable,
  startTestRedis,
  warnRedisMissing,
  warnRedisNotLocal,
  type TestRedis,
} from './support/redis-server';

const withRedis = redisServerAvailable() ? describe : describe.skip;
if (!redisServerAvailable()) warnRedisMissing('Work queue shutdown (BullMQ) tests');

/** Past this many tries the test ends the loop itself: an unbounded one would spin in microtasks and hang jest. */
const SPIN_LIMIT = 50;

type Upsert = JobScheduler['upsertJobScheduler'];

/** Every macrotask queued before this call has run: impossible while a microtask loop spins. */
const nextTurns = async (turns: number) => {
  for (let turn = 0; turn < turns; turn++) await new Promise((resolve) => setImmediate(resolve));
};

withRedis('Work queue shutdown against a real Redis (BullMQ)', () => {
  let redis: TestRedis;

  beforeAll(async () => {
    redis = (await startTestRedis())!;
  });

  afterAll(async () => {
    await redis?.close();
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('gives up, once, the next run it was scheduling when shutdown closed its connection, instead of retrying forever', async () => {
    // The race: a worker takes a scheduler's job and, before running it, asks Redis to schedule
    // the next run; shutdown closes the worker's connection meanwhile. Holding that request back
    // until the shutdown is over makes the race happen every time.
    let reachedScheduling!: () => void;
    const scheduling = new Promise<void>((resolve) => (reachedScheduling = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let triesAfterShutdown = 0;
    const upsert: Upsert = JobScheduler.prototype.upsertJobScheduler;
    jest.spyOn(JobScheduler.prototype, 'upsertJobScheduler').mockImplementation(async function (
      this: JobScheduler,
      ...args: Parameters<Upsert>
    ) {
      // Only the worker's scheduling of the next run names the job it came from.
      if (args[5]?.producerId !== undefined) {
        reachedScheduling();
        await released;
        if (++triesAfterShutdown > SPIN_LIMIT) throw new Error('still retrying after shutdown');
      }
      return upsert.apply(this, args);
    });

    const logger = new Logger('work-queue-shutdown');
    const outageWarnings = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const queueWarnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const queues = new WorkQueues({ redisUrl: redis.url, keyPrefix: 'shutdown-race' }, new RedisOutage(logger));
    const ran: string[] = [];
    await queues.schedule('race', 60_000, 5_000, async (jobId) => {
      ran.push(jobId);
    });
    await scheduling;

    queues.beforeApplicationShutdown();
    await queues.onApplicationShutdown();
    release();
    await nextTurns(5);

    expect(triesAfterShutdown).toBe(1);
    // The job was handed back unrun: another instance takes it over once its lock lapses.
    expect(ran).toEqual([]);
    // Redis answered throughout: a retry given up at shutdown is not an outage.
    expect(outageWarnings).not.toHaveBeenCalled();
    expect(queueWarnings).toHaveBeenCalledWith(
      'Work queue race (worker): Failed to add repeatable job for next iteration: Redis command given up at shutdown; the job is taken over once its lock lapses',
    );
  });

  it('shuts down while Redis is stalled (connections open, no answers), a scheduled worker and a job queue open', async () => {
    if (!redis.pause) {
      warnRedisNotLocal('stalled-Redis');
      return;
    }
    const logger = new Logger('work-queue-shutdown');
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const queues = new WorkQueues({ redisUrl: redis.url, keyPrefix: 'shutdown-stalled' }, new RedisOutage(logger));
    await queues.schedule('stalled-schedule', 60_000, 5_000, async () => undefined);
    const jobs = await queues.open('stalled-jobs', { concurrency: 2, lockMs: 5_000 }, async () => undefined);
    await jobs.add('one');

    redis.pause();
    try {
      queues.beforeApplicationShutdown();
      const stopped = queues.onApplicationShutdown().then(() => 'stopped');
      // A bound for the failure, not a wait for success: the shutdown's own waits are 2 s each.
      const bound = new Promise<string>((resolve) =>
        setTimeout(() => resolve('still shutting down after 15 s'), 15_000).unref(),
      );
      expect(await Promise.race([stopped, bound])).toBe('stopped');
    } finally {
      redis.resume!();
    }
  }, 30_000);
});
