import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';
import { appConfig, type AppConfig } from '../config/app.config';
import { AppLogger } from './app-logger';
import { isoTimeOncePerMillisecond } from './log-time';
import { REDACTED_LOG_PATHS, REDACTION_CENSOR } from './log-redaction';
import { APPLICATION_LOG, LOG_DESTINATION, REQUEST_LOG } from './logging.tokens';
import { requestIdOfCurrentRequest } from './request-context';

/**
 * Where both loggers write: the destination itself, or in front of it the pretty formatter. That
 * one (pino-pretty and its colours) is loaded only when asked for: production's JSON lines never
 * run it, and loading it took part of every start (ready 327 vs 335 ms on a 2-core machine, 24
 * starts each, docs/performance.md).
 */
const formatted = async (app: AppConfig, destination: DestinationStream): Promise<DestinationStream> =>
  app.logFormat === 'pretty' ? (await import('./log-format.js')).prettyDestination(destination) : destination;

const commonOptions = (app: AppConfig): pino.LoggerOptions => ({
  level: app.logLevel,
  base: { service: 'wm-attribute-gateway' },
  timestamp: isoTimeOncePerMillisecond(),
});

/**
 * Two loggers on one asynchronous destination: application lines (redacted, and carrying the id
 * of the request being served, from its AsyncLocalStorage context) and the one line per request;
 * JSON lines, or readable ones (LOG_FORMAT, pretty in development).
 */
@Global()
@Module({
  providers: [
    { provide: LOG_DESTINATION, useFactory: () => pino.destination({ dest: 1, sync: false }) },
    {
      provide: APPLICATION_LOG,
      inject: [appConfig.KEY, LOG_DESTINATION],
      useFactory: async (app: AppConfig, destination: DestinationStream): Promise<PinoLogger> =>
        pino(
          {
            ...commonOptions(app),
            redact: { paths: REDACTED_LOG_PATHS, censor: REDACTION_CENSOR },
            mixin: requestIdOfCurrentRequest,
          },
          await formatted(app, destination),
        ),
    },
    {
      provide: REQUEST_LOG,
      inject: [appConfig.KEY, LOG_DESTINATION],
      useFactory: async (app: AppConfig, destination: DestinationStream): Promise<PinoLogger> =>
        pino(commonOptions(app), await formatted(app, destination)),
    },
    AppLogger,
  ],
  exports: [APPLICATION_LOG, REQUEST_LOG, AppLogger],
})
export class LoggingModule implements OnApplicationShutdown {
  constructor(@Inject(LOG_DESTINATION) private readonly destination: DestinationStream) {}

  /** Asynchronous writes are buffered; the last lines (why the process stopped) must not be lost. */
  onApplicationShutdown(): void {
    const flushable = this.destination as DestinationStream & { flushSync?: () => void };
    try {
      flushable.flushSync?.();
    } catch {
      // Nothing buffered, or the stream is not open yet: nothing to lose.
    }
  }
}
