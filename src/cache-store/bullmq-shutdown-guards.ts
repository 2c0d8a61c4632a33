import type { Queue, Worker } from 'bullmq';
import { EventEmitter } from 'node:events';

/**
 * BullMQ's connection wrapper drops its listeners when it closes, yet a connection still
 * connecting at that moment (Redis down or stalled) rejects afterwards and emits 'error' on it,
 * which with no listener left is an unhandled error after shutdown. From the close on, such an
 * 'error' with nobody listening is dropped. (`connection` and `blockingConnection` are BullMQ 5's
 * internal fields; an upgrade that renames them loses only this guard.)
 */
export function ignoreErrorsOnceClosed(closing: Queue | Worker): void {
  for (const field of ['connection', 'blockingConnection']) {
    const wrapper = (closing as unknown as Record<string, EventEmitter | undefined>)[field];
    if (!(wrapper instanceof EventEmitter)) continue;
    const emit = wrapper.emit.bind(wrapper);
    wrapper.emit = (event: string | symbol, ...args: unknown[]) =>
      event === 'error' && wrapper.listenerCount('error') === 0 ? false : emit(event, ...args);
  }
}

/** Thrown instead of a connection error once the worker is closing: BullMQ does not retry it. */
class RetryGivenUpAtShutdown extends Error {
  constructor(cause: Error) {
    // Must not read as a connection error, to BullMQ (or it would be retried too) nor to RedisOutage (Redis is not out).
    super('Redis command given up at shutdown; the job is taken over once its lock lapses', { cause });
    this.name = 'RetryGivenUpAtShutdown';
  }
}

type RetryIfFailed = (fn: () => Promise<unknown>, options: object) => Promise<unknown>;

/**
 * BullMQ 5's worker retries a Redis command that failed for want of a connection without limit,
 * and skips the pause between tries once it is closing. A worker that had just taken a
 * scheduler's job when shutdown closed its connection (it asks Redis for the next run before
 * running the job) therefore retried in a loop of microtasks: the process sat at 100 % CPU and
 * never exited. From the moment the worker starts closing, a connection error ends the retries,
 * as BullMQ 6.7 does upstream; the job stays claimed until its lock lapses, then another
 * instance takes it over and schedules the next run. (`retryIfFailed` is BullMQ 5's internal:
 * an upgrade that renames it loses only this guard, and test/work-queue-shutdown.e2e-spec.ts then fails.)
 */
export function stopRetriesOnceClosing(worker: Worker, isNotConnectionError: (error: Error) => boolean): void {
  const internals = worker as unknown as { retryIfFailed?: RetryIfFailed };
  if (typeof internals.retryIfFailed !== 'function') return;
  const retryIfFailed = internals.retryIfFailed.bind(worker);
  internals.retryIfFailed = (fn, options) =>
    retryIfFailed(async () => {
      try {
        return await fn();
      } catch (error) {
        if (worker.closing !== undefined && error instanceof Error && !isNotConnectionError(error))
          throw new RetryGivenUpAtShutdown(error);
        throw error;
      }
    }, options);
}
