import module from 'node:module';

/**
 * V8's compiled code for every module loaded from here on is kept on disk and read back at the
 * next start (NODE_COMPILE_CACHE, else Node's folder in the temporary directory; the image
 * warms it at build time): loading the service's ~1,000 modules is most of its start-up, and
 * reading compiled code back cut start-up to ready by about a quarter (BENCHMARKS.md). Imported
 * first by the entry points, so that it applies to everything after it.
 */
module.enableCompileCache?.();

/** Writes what was compiled so far; Node writes it at a clean exit too, which a killed pod never has. */
export function keepCompiledCode(): void {
  module.flushCompileCache?.();
}
