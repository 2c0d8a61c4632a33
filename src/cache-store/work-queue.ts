import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationShutdown } from '@nestjs/common';
import type { Job, Queue, Worker } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';
import { ignoreErrorsOnceClosed, stopRetriesOnceClosing } from './bullmq-shutdown-guards';
import { cacheStoreConfig, type CacheStoreConfig } from './cache-store.config';
import { RedisOutage, isConnectionFailure } from './redis-outage';

export interface WorkQueueOptions {
  /** Jobs running at once across every instance (BullMQ's global concurrency), and at most this many on one. */
  concurrency: number;
  /**
   * How long a job stays claimed by an instance that stopped renewing it (a killed instance) before another takes it
   * over.
   */
  lockMs: number;
}

/**
 * What a job's handler learns: its id, and a signal that fires when this instance shuts down (the job goes back to the
 * queue).
 */
export type WorkHandler = (jobId: string, shutdown: AbortSignal) => Promise<void>;

/** A queue opened by WorkQueues: add a job by id; a job already waiting or running under that id is not added twice. */
export interface OpenedWorkQueue {
  add(jobId: string): Promise<void>;
}

/** A job handed back because its instance is shutting down: BullMQ retries it on whichever instance is running. */
const INTERRUPTED = 'interrupted by shutdown';
/** How long a connection attempt may take; also the longest start-up waits for the queue's connections. */
const CONNECT_TIMEOUT_MS = 2000;
/**
 * How long shutdown waits for interrupted handlers to hand their jobs back, and for a queue to close, before letting go
 * of Redis.
 */
const SHUTDOWN_WAIT_MS = 2000;

/**
 * Jobs on Redis with BullMQ, when REDIS_URL is set: any instance runs a job, a job whose instance
 * dies is taken over by another once its lock lapses, and at most `concurrency` run at once in the
 * whole deployment. BullMQ is used directly rather than through @nestjs/bullmq because the queue
 * exists only when Redis is configured and its worker options (concurrency, lock) come from
 * validated configuration at run time, which @Processor takes as decorator constants.
 */
@Injectable()
export class WorkQueues implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(WorkQueues.name);
  private readonly opened: { queue: Queue; worker: Worker }[] = [];
  private readonly shutdown = new AbortController();
  private readonly handling = new Set<Promise<void>>();
  private readonly removals: Promise<void>[] = [];

  constructor(
    @Inject(cacheStoreConfig.KEY) private readonly config: CacheStoreConfig,
    private readonly outage: RedisOutage,
  ) {}

  /** Whether jobs can run on Redis (REDIS_URL set); without it callers run their work in-process. */
  get available(): boolean {
    return this.config.redisUrl !== undefined;
  }

  /** BullMQ is loaded here, not at start-up: its import costs ~200 ms that a service without Redis never needs. */
  async open(name: string, options: WorkQueueOptions, handle: WorkHandler): Promise<OpenedWorkQueue> {
    const queue = await this.started(name, options, handle);
    return {
      add: async (jobId: string) => {
        // Retried after a shutdown interrupted it; its handler decides when a job is really over.
        await queue.add(
          'run',
          {},
          {
            jobId,
            attempts: 1000,
            backoff: { type: 'fixed', delay: 1000 },
            removeOnComplete: true,
            removeOnFail: true,
          },
        );
      },
    };
  }

  /**
   * A job every `everyMs` for the whole deployment, whatever the instance count (BullMQ's job
   * scheduler, kept on Redis under `name`): one instance runs each; one that runs while the next
   * is due delays it (the queue runs one job at a time); one killed mid-run hands it to another
   * once its lock lapses. `everyMs` undefined removes the schedule, so switching it off on the
   * deployment stops it even if an instance still runs an older configuration's last run.
   */
  async schedule(name: string, everyMs: number | undefined, lockMs: number, handle: WorkHandler): Promise<void> {
    if (everyMs === undefined) {
      // In the background: start-up never waits on a Redis that may not answer; shutdown waits for it (bounded).
      this.removals.push(this.removeSchedule(name).catch(() => undefined));
      return;
    }
    const queue = await this.started(name, { concurrency: 1, lockMs }, handle);
    await queue.upsertJobScheduler(
      name,
      { every: everyMs },
      { name: 'run', opts: { removeOnComplete: true, removeOnFail: true } },
    );
  }

  /**
   * Removes the schedule `name` when Redis answers within the connect timeout; a Redis that does
   * not is left alone (the schedule stays until an instance starts with Redis answering).
   */
  private async removeSchedule(name: string): Promise<void> {
    const { queue } = await this.connected(name);
    // Redis out of reach is reported by the connections that stay; this one only tries once.
    queue.on('error', () => undefined);
    ignoreErrorsOnceClosed(queue);
    const ready = await Promise.race([
      queue.waitUntilReady().then(
        () => true,
        () => false,
      ),
      sleep(CONNECT_TIMEOUT_MS, false, { ref: false }),
    ]);
    if (ready) {
      await Promise.race([
        queue.removeJobScheduler(name).catch(() => undefined),
        sleep(CONNECT_TIMEOUT_MS, undefined, { ref: false }),
      ]);
    }
    // close(), not disconnect(): BullMQ's disconnect first waits for a connection still being attempted, which may
    // never come, and meanwhile its client keeps reconnecting and the process cannot exit.
    await Promise.race([queue.close().catch(() => undefined), sleep(SHUTDOWN_WAIT_MS, undefined, { ref: false })]);
  }

  private async connected(name: string) {
    const url = this.config.redisUrl;
    if (url === undefined) throw new Error('WorkQueues needs REDIS_URL');
    const { Queue, Worker, isNotConnectionError } = await import('bullmq');
    // BullMQ keeps its own ioredis connections: a worker blocks on one while it waits for jobs.
    const connection = { url, maxRetriesPerRequest: null, connectTimeout: CONNECT_TIMEOUT_MS };
    const prefix = `${this.config.keyPrefix}:bull`;
    return { queue: new Queue(name, { connection, prefix }), Worker, isNotConnectionError, connection, prefix };
  }

  /** The queue with this instance's worker on it, connected (or given up on) before it returns. */
  private async started(name: string, options: WorkQueueOptions, handle: WorkHandler): Promise<Queue> {
    const { queue, Worker, isNotConnectionError, connection, prefix } = await this.connected(name);
    const worker = new Worker(
      name,
      async (job: Job) => {
        if (this.shutdown.signal.aborted) throw new Error(INTERRUPTED);
        const handled = handle(String(job.id), this.shutdown.signal);
        this.handling.add(handled);
        try {
          await handled;
        } finally {
          this.handling.delete(handled);
        }
        if (this.shutdown.signal.aborted) throw new Error(INTERRUPTED);
      },
      {
        connection,
        prefix,
        concurrency: options.concurrency,
        lockDuration: options.lockMs,
        stalledInterval: options.lockMs,
        maxStalledCount: 100,
      },
    );
    stopRetriesOnceClosing(worker, isNotConnectionError);
    // Redis out of reach is the outage every connection reports, once; anything else is this queue's own problem.
    const report = (what: string) => (error: Error) =>
      isConnectionFailure(error)
        ? this.outage.failed(`work queue ${name}`, error)
        : this.logger.warn(`Work queue ${name} (${what}): ${error.message}`);
    queue.on('error', report('queue'));
    worker.on('error', report('worker'));
    worker.on('ready', () => this.outage.answered());
    worker.on('failed', (job, error) => {
      if (error.message !== INTERRUPTED)
        this.logger.warn(`Work queue ${name}: job ${job?.id ?? '?'} failed: ${error.message}`);
    });
    void queue.setGlobalConcurrency(options.concurrency).catch(report('global concurrency'));
    this.opened.push({ queue, worker });
    // Connected before the service takes requests when Redis answers; when it does not, the first
    // failure (at once when refused, after the connect timeout when packets are dropped) ends the wait.
    const failed = new Promise<void>((resolve) => {
      queue.once('error', () => resolve());
      worker.once('error', () => resolve());
    });
    await Promise.race([
      Promise.all([queue.waitUntilReady(), worker.waitUntilReady()]).catch(() => undefined),
      failed,
      sleep(CONNECT_TIMEOUT_MS, undefined, { ref: false }),
    ]);
    return queue;
  }

  /** Running handlers learn of the shutdown first, so closing the workers below does not wait for whole jobs. */
  beforeApplicationShutdown(): void {
    this.shutdown.abort();
  }

  /**
   * Bounded whatever Redis does: handlers (told to stop above) get a moment to hand their jobs
   * back, then the worker lets go without waiting (a job it still held is taken over once its lock
   * lapses), and a queue that cannot close cleanly (Redis gone) is disconnected.
   */
  async onApplicationShutdown(): Promise<void> {
    await Promise.race([Promise.allSettled([...this.handling]), sleep(SHUTDOWN_WAIT_MS, undefined, { ref: false })]);
    // Each bounded by its own waits; a queue it opened after the shutdown began is closed by it too.
    await Promise.all(this.removals);
    await Promise.all(
      this.opened.map(async ({ queue, worker }) => {
        for (const closing of [queue, worker]) ignoreErrorsOnceClosed(closing);
        await worker.close(true).catch(() => undefined);
        await Promise.race([queue.close().catch(() => undefined), sleep(SHUTDOWN_WAIT_MS, undefined, { ref: false })]);
        await queue.disconnect().catch(() => undefined);
      }),
    );
  }
}
