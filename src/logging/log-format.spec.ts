import pino from 'pino';
import { REDACTED_LOG_PATHS, REDACTION_CENSOR } from './log-redaction';
import { prettyDestination, prettyMessage } from './log-format';

function prettyLogger() {
  const written: string[] = [];
  const destination = { write: (line: string) => written.push(line) };
  const log = pino(
    { base: { service: 'wm-attribute-gateway' }, redact: { paths: REDACTED_LOG_PATHS, censor: REDACTION_CENSOR } },
    prettyDestination(destination, false),
  );
  return { log, written };
}

describe('the pretty log format', () => {
  it('writes a request as one short line: method, path, status, time', () => {
    const { log, written } = prettyLogger();
    log.info(
      { requestId: 'r1', req: { method: 'GET', path: '/favicon.ico' }, res: { statusCode: 304 }, responseTime: 1 },
      'request completed',
    );
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: GET \/favicon\.ico 304 1 ms\n$/);
  });

  it('puts the context before the message and leaves the service, pid and host out', () => {
    const { log, written } = prettyLogger();
    log.warn({ context: 'RedisConnection' }, 'Redis does not answer');
    expect(written[0]).toMatch(/WARN: \[RedisConnection\] Redis does not answer\n$/);
    expect(written[0]).not.toMatch(/wm-attribute-gateway|pid|hostname/);
  });

  it('keeps what redaction hid hidden', () => {
    const { log, written } = prettyLogger();
    log.info(
      {
        req: { method: 'GET', path: '/x', headers: { authorization: 'Bearer secret-token' } },
        res: { statusCode: 200 },
        responseTime: 2,
      },
      'x',
    );
    log.info({ headers: { authorization: 'Bearer secret-token' } }, 'with headers');
    expect(written.join('')).not.toContain('secret-token');
  });

  it('says when the client hung up', () => {
    expect(
      prettyMessage({
        req: { method: 'GET', path: '/probe' },
        aborted: true,
        responseTime: 5,
        msg: 'request aborted by the client',
      }),
    ).toBe('GET /probe aborted by the client 5 ms');
  });
});
