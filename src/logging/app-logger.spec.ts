import pino from 'pino';
import { AppLogger } from './app-logger';
import { REDACTED_LOG_PATHS, REDACTION_CENSOR } from './log-redaction';

function loggerWithLines(level = 'info'): { logger: AppLogger; lines: () => Record<string, unknown>[] } {
  const written: string[] = [];
  // pino writes each line with one synchronous write() call.
  const destination = { write: (line: string) => written.push(line) };
  const logger = new AppLogger(
    pino({ level, redact: { paths: REDACTED_LOG_PATHS, censor: REDACTION_CENSOR } }, destination),
  );
  return { logger, lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('AppLogger', () => {
  it('writes Nest-style calls as JSON lines with their context', () => {
    const { logger, lines } = loggerWithLines();
    logger.warn('Redis is not answering', 'RedisConnection');
    logger.log('Listening on http://0.0.0.0:3000', 'Bootstrap');
    expect(lines()).toEqual([
      expect.objectContaining({ level: 40, context: 'RedisConnection', msg: 'Redis is not answering' }),
      expect.objectContaining({ level: 30, context: 'Bootstrap', msg: 'Listening on http://0.0.0.0:3000' }),
    ]);
  });

  it("writes Nest's per-module and per-route start-up lines at debug, not info", () => {
    const quiet = loggerWithLines('info');
    quiet.logger.log('ConfigModule dependencies initialized', 'InstanceLoader');
    quiet.logger.log('Mapped {/health/live, GET} route', 'RouterExplorer');
    expect(quiet.lines()).toEqual([]);
    const verbose = loggerWithLines('debug');
    verbose.logger.log('Mapped {/health/live, GET} route', 'RouterExplorer');
    expect(verbose.lines()).toEqual([expect.objectContaining({ level: 20, context: 'RouterExplorer' })]);
  });

  it('keeps the stack Nest passes before the context of an error', () => {
    const { logger, lines } = loggerWithLines();
    logger.error('Token refresh failed', 'Error: boom\n    at refresh (token.ts:1:1)', 'GenesysTokenService');
    expect(lines()[0]).toMatchObject({
      level: 50,
      context: 'GenesysTokenService',
      msg: 'Token refresh failed',
      stack: expect.stringContaining('at refresh'),
    });
  });

  it('serialises an Error given as the message', () => {
    const { logger, lines } = loggerWithLines();
    logger.error(new Error('socket hang up'), 'GenesysClient');
    expect(lines()[0]).toMatchObject({
      context: 'GenesysClient',
      msg: 'socket hang up',
      err: expect.objectContaining({ message: 'socket hang up' }),
    });
  });

  it('redacts secrets in an object message', () => {
    const { logger, lines } = loggerWithLines();
    logger.warn({ request: { clientSecret: 'hunter2', token: 'abc.def.ghi' } }, 'Probe');
    expect(JSON.stringify(lines())).not.toMatch(/hunter2|abc\.def\.ghi/);
  });

  it('writes nothing below the configured level', () => {
    const { logger, lines } = loggerWithLines('warn');
    logger.log('routine', 'Ctx');
    logger.debug('detail', 'Ctx');
    expect(lines()).toEqual([]);
  });
});
