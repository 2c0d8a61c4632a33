import pino from 'pino';
import { isoTimeOncePerMillisecond } from './log-time';

describe('isoTimeOncePerMillisecond', () => {
  it("writes what pino's isoTime writes for the same millisecond", () => {
    let clock = Date.parse('2026-12-07T22:15:03.120Z');
    const time = isoTimeOncePerMillisecond(() => clock);
    const realNow = jest.spyOn(Date, 'now');
    try {
      for (const step of [0, 0, 1, 999, 86_400_000]) {
        clock += step;
        realNow.mockReturnValue(clock);
        expect(time()).toBe(pino.stdTimeFunctions.isoTime());
      }
    } finally {
      realNow.mockRestore();
    }
  });

  it('formats again only when the millisecond changes', () => {
    let clock = 1_765_145_703_120;
    const time = isoTimeOncePerMillisecond(() => clock);
    const toISOString = jest.spyOn(Date.prototype, 'toISOString');
    try {
      time();
      time();
      expect(toISOString).toHaveBeenCalledTimes(1);
      clock += 1;
      expect(time()).toBe(',"time":"2025-12-07T22:15:03.121Z"');
      expect(toISOString).toHaveBeenCalledTimes(2);
    } finally {
      toISOString.mockRestore();
    }
  });
});
