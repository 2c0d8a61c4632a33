import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWithCodeCacheAfterStart } from '../performance/code-cache-after-start';
import type { serveProduction } from '../production-service';

/**
 * `dist/bundle/main.js`, what start:prod and the image run: the production service, bundled into
 * `service.js` beside this file (scripts/bundle-production.mjs), run with V8's code from an
 * earlier start. The cache lives where Node's own would (NODE_COMPILE_CACHE, which the image sets
 * and warms at build time).
 */
const service = runWithCodeCacheAfterStart<{ serveProduction: typeof serveProduction }>(
  join(__dirname, 'service.js'),
  process.env.NODE_COMPILE_CACHE || join(tmpdir(), 'node-compile-cache'),
);
service.exports.serveProduction(service.keepCompiledCode);
