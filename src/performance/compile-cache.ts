import module from 'node:module';

/**
 * V8's compiled code for every module loaded from here on is kept on disk and read back at the
 * next start (NODE_COMPILE_CACHE, else Node's folder in the temporary directory), for the
 * unbundled entry points (development, the CLIs). Node keeps only what V8 compiles before a module
 * runs; the production bundle keeps more, with code-cache-after-start.ts. Imported first by the
 * entry points, so that it applies to everything after it.
 */
module.enableCompileCache?.();

/** Writes what was compiled so far; Node writes it at a clean exit too, which a killed pod never has. */
export function keepCompiledCode(): void {
  module.flushCompileCache?.();
}
