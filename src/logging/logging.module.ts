import { Module, RequestMethod } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import pino, { type DestinationStream } from 'pino';
import { appConfig, type AppConfig } from '../config/app.config';
import { REDACTED_LOG_PATHS, REDACTION_CENSOR } from './log-redaction';

/** Where log lines go: stdout in production; tests replace it to read the lines. */
export const LOG_DESTINATION = Symbol('LOG_DESTINATION');

/** Only the path is logged: query strings can carry tokens a caller should not have put there. */
const pathOf = (url: string | undefined): string => (url ?? '').split('?', 1)[0];

@Module({
  imports: [
    LoggerModule.forRootAsync({
      providers: [{ provide: LOG_DESTINATION, useFactory: () => pino.destination({ dest: 1, sync: false }) }],
      inject: [appConfig.KEY, LOG_DESTINATION],
      useFactory: (app: AppConfig, destination: DestinationStream) => ({
        // nestjs-pino's default route pattern never matches under Nest 12's Fastify adapter (measured: no request was logged).
        forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
        pinoHttp: [
          {
            level: app.logLevel,
            base: { service: 'wm-attribute-gateway' },
            timestamp: pino.stdTimeFunctions.isoTime,
            redact: { paths: REDACTED_LOG_PATHS, censor: REDACTION_CENSOR },
            // On every line logged while the request runs, the filter's and the services' lines included.
            customProps: (req: IncomingMessage) => ({ requestId: req.id }),
            serializers: {
              req: (req: IncomingMessage & { id?: string }) => ({ method: req.method, path: pathOf(req.url) }),
              res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
            },
            autoLogging: { ignore: (req: IncomingMessage) => pathOf(req.url).startsWith('/health/') },
          },
          destination,
        ],
      }),
    }),
  ],
})
export class LoggingModule {}
