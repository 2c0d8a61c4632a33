import 'reflect-metadata';
import { createApp, serve } from './bootstrap';
import { AppLogger } from './logging/app-logger';
import { afterFirstAnswer } from './performance/after-first-answer';
import { collectStartUpGarbage } from './performance/start-up-garbage';
import { useConfigurationDefaults } from './config/environment';

/** With no probe or request to wait for, start-up settles this long after the port opened. */
const SETTLE_WITHOUT_REQUESTS_MS = 2_000;

/**
 * The service, as production runs it: configured by its environment alone. Once it has answered
 * its first request (a probe, in production), it settles: `keepCompiledCode` keeps what start-up
 * and that answer compiled, then start-up's garbage is collected (in that order: the collection
 * sets V8's --expose-gc, and code kept under changed flags is refused at the next start). Neither
 * delays the port or the first answer: together about 250 ms on a 2-core machine (BENCHMARKS.md).
 */
export function serveProduction(keepCompiledCode: () => void): void {
  // Production unless told otherwise: with NODE_ENV unset this entry point must not make up secrets,
  // write development state or print tokens; it refuses to start, naming every setting it lacks.
  useConfigurationDefaults({ NODE_ENV: 'production' });
  serve(() => createApp(), {
    onListening: (app) =>
      afterFirstAnswer(app.getHttpServer(), SETTLE_WITHOUT_REQUESTS_MS, () => {
        const started = performance.now();
        keepCompiledCode();
        collectStartUpGarbage();
        app
          .get(AppLogger)
          .log(
            `Start-up settled in ${Math.round(performance.now() - started)} ms: compiled code kept, start-up garbage collected`,
            'Bootstrap',
          );
      }),
  });
}
