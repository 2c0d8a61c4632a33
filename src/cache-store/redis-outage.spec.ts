import { RedisOutage, isConnectionFailure } from './redis-outage';

describe('RedisOutage', () => {
  it('is one warning per outage however many parts and attempts report it, and one line when Redis answers again', () => {
    const lines: string[] = [];
    const outage = new RedisOutage({
      warn: (message) => lines.push(`warn ${message}`),
      log: (message) => lines.push(`log ${message}`),
    });
    outage.answered();
    for (let attempt = 0; attempt < 30; attempt++) {
      outage.failed(
        'work queue audits (worker)',
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }),
      );
      outage.failed('connection', new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    }
    expect(outage.isOut).toBe(true);
    outage.answered();
    outage.answered();
    outage.failed('connection', new Error('Socket closed unexpectedly'));
    expect(lines).toEqual([
      'warn Redis unavailable (work queue audits (worker): connect ECONNREFUSED 127.0.0.1:6379); each instance uses its own memory until it answers, and says so here then',
      'log Redis answers again; state is shared again',
      'warn Redis unavailable (connection: Socket closed unexpectedly); each instance uses its own memory until it answers, and says so here then',
    ]);
  });

  it('tells a Redis out of reach from one refusing a command', () => {
    expect(
      isConnectionFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' })),
    ).toBe(true);
    expect(isConnectionFailure(new Error('Connection is closed.'))).toBe(true);
    expect(isConnectionFailure(new Error("OOM command not allowed when used memory > 'maxmemory'"))).toBe(false);
  });
});
