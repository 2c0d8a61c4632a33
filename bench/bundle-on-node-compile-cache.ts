import module from 'node:module';
import type { serveProduction } from '../src/production-service';

/**
 * The production bundle as it ran before its code was kept after start-up: loaded by Node's own
 * loader with Node's compile cache (which keeps what V8 compiles before a module runs), for the
 * bench's "start-up steps" row. SERVICE_BUNDLE names the bundle's service.js.
 */
module.enableCompileCache?.();
const bundle = module.createRequire(__filename)(process.env.SERVICE_BUNDLE ?? '') as {
  serveProduction: typeof serveProduction;
};
bundle.serveProduction(() => module.flushCompileCache?.());
