import { keepCompiledCode } from '../performance/compile-cache';
import 'reflect-metadata';
import { serve } from '../bootstrap';
import { useConfigurationDefaults } from '../config/environment';
import { launchDevelopmentService } from '../development-launcher';

// Development answers this machine alone unless HOST says otherwise: its sandbox serves printed
// tokens, /docs and /metrics, and a page elsewhere on the network has no business reaching them.
useConfigurationDefaults({ HOST: '127.0.0.1' });

/** `npm start`: the service for development, beside the emulator when no Genesys credentials are set. */
serve(() => launchDevelopmentService(), { onListening: keepCompiledCode });
