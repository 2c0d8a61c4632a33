import module from 'node:module';

/**
 * V8's compiled code for every module loaded from here on is kept on disk and read back at the
 * next start (NODE_COMPILE_CACHE, else Node's folder in the temporary directory; the image
 * warms it at build time): compiling the bundle is a large part of its start-up, and reading the
 * compiled code back buys on Node 24 955 against 1,075 ms to ready (bench row "start-up steps":
 * bundle, cache warm / cache empty). Imported
 * first by the entry points, so that it applies to everything after it.
 */
module.enableCompileCache?.();

/** Writes what was compiled so far; Node writes it at a clean exit too, which a killed pod never has. */
export function keepCompiledCode(): void {
  module.flushCompileCache?.();
}
