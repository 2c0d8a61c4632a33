import type { Worker } from 'bullmq';
import { stopRetriesOnceClosing } from './bullmq-shutdown-guards';

const CONNECTION_CLOSED = 'Connection is closed.';
const isNotConnectionError = (error: Error) => error.message !== CONNECTION_CLOSED;

/** BullMQ 5's retry loop, reduced: a connection error is tried again (here at most five times), any other ends it. */
function fakeWorker() {
  const worker = {
    closing: undefined as Promise<void> | undefined,
    async retryIfFailed(fn: () => Promise<unknown>) {
      for (let tries = 1; ; tries++) {
        try {
          return await fn();
        } catch (error) {
          if (isNotConnectionError(error as Error) || tries === 5) throw error;
        }
      }
    },
  };
  stopRetriesOnceClosing(worker as unknown as Worker, isNotConnectionError);
  return worker;
}

describe('stopRetriesOnceClosing', () => {
  it('leaves retries alone while the worker runs: a lost connection may come back', async () => {
    const worker = fakeWorker();
    const fn = jest.fn().mockRejectedValue(new Error(CONNECTION_CLOSED));

    await expect(worker.retryIfFailed(fn)).rejects.toThrow(CONNECTION_CLOSED);
    expect(fn).toHaveBeenCalledTimes(5);
  });

  it('ends them at the first connection error once the worker is closing, keeping the error as the cause', async () => {
    const worker = fakeWorker();
    worker.closing = Promise.resolve();
    const lost = new Error(CONNECTION_CLOSED);
    const fn = jest.fn().mockRejectedValue(lost);

    const given = worker.retryIfFailed(fn);
    await expect(given).rejects.toThrow('Redis command given up at shutdown');
    await expect(given).rejects.toHaveProperty('cause', lost);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('passes other errors and results through unchanged, closing or not', async () => {
    const worker = fakeWorker();
    worker.closing = Promise.resolve();
    const refused = new Error('ERR script refused');

    await expect(worker.retryIfFailed(() => Promise.reject(refused))).rejects.toBe(refused);
    await expect(worker.retryIfFailed(() => Promise.resolve('done'))).resolves.toBe('done');
  });
});
