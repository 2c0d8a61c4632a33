import { keepCompiledCode } from '../performance/compile-cache';
import 'reflect-metadata';
import { createApp, serve } from '../bootstrap';
import { collectStartUpGarbage } from '../performance/start-up-garbage';
import { useConfigurationDefaults } from '../config/environment';

// Production unless told otherwise: with NODE_ENV unset this entry point must not make up secrets,
// write development state or print tokens; it refuses to start, naming every setting it lacks.
useConfigurationDefaults({ NODE_ENV: 'production' });

/** The service, as production runs it: configured by its environment alone. */
serve(() => createApp(), { beforeListening: collectStartUpGarbage, onListening: keepCompiledCode });
