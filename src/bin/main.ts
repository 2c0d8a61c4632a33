import { keepCompiledCode } from '../performance/compile-cache';
import { serveProduction } from '../production-service';

/** The production service, unbundled (`npm run build` bundles it for start:prod and the image: bundle-main.ts). */
serveProduction(keepCompiledCode);
