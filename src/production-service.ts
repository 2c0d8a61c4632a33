import 'reflect-metadata';
import { createApp, serve } from './bootstrap';
import { collectStartUpGarbage } from './performance/start-up-garbage';
import { useConfigurationDefaults } from './config/environment';

/**
 * The service, as production runs it: configured by its environment alone. `keepCompiledCode`
 * runs once start-up has compiled what it needs, and before the start-up collection: that sets
 * V8's --expose-gc, and code kept under changed flags is refused at the next start.
 */
export function serveProduction(keepCompiledCode: () => void): void {
  // Production unless told otherwise: with NODE_ENV unset this entry point must not make up secrets,
  // write development state or print tokens; it refuses to start, naming every setting it lacks.
  useConfigurationDefaults({ NODE_ENV: 'production' });
  serve(() => createApp(), {
    beforeListening: () => {
      keepCompiledCode();
      collectStartUpGarbage();
    },
  });
}
