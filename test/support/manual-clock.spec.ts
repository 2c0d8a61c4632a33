import { getEventListeners } from 'node:events';
import { ManualClock } from './manual-clock';

describe('ManualClock', () => {
  it('leaves no listener on the signal once a sleep is over, as timers/promises does', async () => {
    const clock = new ManualClock();
    const shutdown = new AbortController();
    for (let turn = 0; turn < 20; turn += 1) {
      const sleep = clock.sleep(1, shutdown.signal);
      clock.advance(1);
      await sleep;
    }
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0);
  });

  it('rejects a sleep whose signal aborts, and forgets it', async () => {
    const clock = new ManualClock();
    const shutdown = new AbortController();
    const sleep = clock.sleep(1000, shutdown.signal);
    shutdown.abort();
    await expect(sleep).rejects.toMatchObject({ name: 'AbortError' });
    expect(clock.sleepers).toBe(0);
  });
});
