import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import { afterFirstAnswer } from './after-first-answer';

/** A server that is only what afterFirstAnswer listens to: 'request', then the response's 'close'. */
const fakeServer = () => {
  const server = new EventEmitter();
  return {
    server: server as unknown as Server,
    listeners: () => server.listenerCount('request'),
    request: () => {
      const response = new EventEmitter();
      server.emit('request', {}, response);
      return { answered: () => response.emit('close') };
    },
  };
};

describe('afterFirstAnswer', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('settles once the first answer has gone out, in the turn after, not while it is being written', () => {
    const settle = jest.fn();
    const { server, request } = fakeServer();
    afterFirstAnswer(server, 2_000, settle);
    const first = request();
    jest.advanceTimersByTime(1_000);
    expect(settle).not.toHaveBeenCalled();
    first.answered();
    expect(settle).not.toHaveBeenCalled();
    jest.runOnlyPendingTimers();
    expect(settle).toHaveBeenCalledTimes(1);
  });

  it('settles once, however many answers follow, and stops listening to the server', () => {
    const settle = jest.fn();
    const fake = fakeServer();
    const before = fake.listeners();
    afterFirstAnswer(fake.server, 2_000, settle);
    const answers = [fake.request(), fake.request(), fake.request()];
    for (const answer of answers) answer.answered();
    jest.runAllTimers();
    fake.request().answered();
    jest.runAllTimers();
    expect(settle).toHaveBeenCalledTimes(1);
    expect(fake.listeners()).toBe(before);
  });

  it('settles when nothing asks within the fallback delay, and not again when a request follows', () => {
    const settle = jest.fn();
    const fake = fakeServer();
    afterFirstAnswer(fake.server, 2_000, settle);
    jest.advanceTimersByTime(1_999);
    expect(settle).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(settle).toHaveBeenCalledTimes(1);
    fake.request().answered();
    jest.runAllTimers();
    expect(settle).toHaveBeenCalledTimes(1);
  });

  it("settles outside the first request's context, so that what it logs carries no request id", async () => {
    jest.useRealTimers();
    const request = new AsyncLocalStorage<string>();
    const seen: (string | undefined)[] = [];
    const fake = fakeServer();
    const settled = new Promise<void>((resolve) =>
      afterFirstAnswer(fake.server, 2_000, () => {
        seen.push(request.getStore());
        resolve();
      }),
    );
    request.run('request-1', () => fake.request().answered());
    await settled;
    expect(seen).toEqual([undefined]);
  });
});
