import { hash } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** A CommonJS file run through {@link runWithCodeCacheAfterStart}. */
export interface CachedRun<Exports> {
  exports: Exports;
  /** Whether V8 took the code of an earlier start (false when there was none, or it was refused). */
  readonly cacheUsed: boolean;
  /**
   * Writes V8's code for everything compiled so far, once start-up has run, unless it was read
   * from the cache at this start. Never throws: without a writable cache folder the next start
   * compiles as this one did.
   */
  keepCompiledCode(): void;
}

/**
 * Runs a CommonJS file, as Node's loader would, with V8's code from an earlier start of the same
 * file, made after that start had run. Node's own compile cache (NODE_COMPILE_CACHE) keeps only
 * what V8 compiles before a module runs, the top level of a bundle; the functions start-up calls
 * are compiled later, one by one, and are most of the compiling. V8 can serialize them once they
 * have run (as Chrome's code cache does after a script's top level has run); this asks for that.
 * Start-up to ready, bundle on Node 24: BENCHMARKS.md "Start-up", docs/performance.md.
 *
 * The cache is named after a digest of the source and of the runtime (Node's version, its
 * platform, its flags and NODE_OPTIONS), because V8 itself checks only the source's length, its
 * own version and its flags: a file rebuilt to the same length would otherwise run with another
 * build's code.
 */
export function runWithCodeCacheAfterStart<Exports>(file: string, cacheDirectory: string): CachedRun<Exports> {
  // Node maps stack traces through source maps (--enable-source-maps) only for what its own loader
  // compiled: there the file is loaded as any other, and nothing is cached.
  if (process.sourceMapsEnabled)
    return { exports: createRequire(file)(file) as Exports, cacheUsed: false, keepCompiledCode: () => undefined };
  const bytes = readFileSync(file);
  const flags = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
  const runtime = digest(`${process.version} ${process.platform} ${process.arch} ${flags}`);
  const cacheFile = join(cacheDirectory, `${basename(file)}-${digest(bytes)}-${runtime}.v8-code`);
  const source = bytes.toString('utf8');
  const cachedData = readIfPresent(cacheFile);
  // Node's CommonJS wrapper, on the source's first line, so that line numbers stay the file's.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    cachedData,
  });
  const cacheUsed = cachedData !== undefined && script.cachedDataRejected === false;
  const module = { exports: {} as Exports, filename: file, id: file };
  (script.runInThisContext() as (...args: unknown[]) => void).call(
    module.exports,
    module.exports,
    createRequire(file),
    module,
    file,
    dirname(file),
  );
  let kept = cacheUsed;
  return {
    get exports() {
      return module.exports;
    },
    cacheUsed,
    keepCompiledCode: () => {
      if (kept) return;
      kept = true;
      writeAtomically(cacheFile, script.createCachedData());
      // Earlier builds' code for this runtime is never read again.
      removeSiblings(
        cacheFile,
        (name) => name.startsWith(`${basename(file)}-`) && name.endsWith(`-${runtime}.v8-code`),
      );
    },
  };
}

/**
 * SHA-1 for speed (3 ms for the 6 MB bundle): the digest tells a stale file from a current one;
 * that nobody forges one is the folder's permissions' work (the image leaves it to root).
 */
function digest(data: Buffer | string): string {
  return hash('sha1', data, 'hex').slice(0, 16);
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function removeSiblings(file: string, isSibling: (name: string) => boolean): void {
  try {
    for (const name of readdirSync(dirname(file)))
      if (name !== basename(file) && isSibling(name)) rmSync(join(dirname(file), name), { force: true });
  } catch {
    // A folder that cannot be listed keeps them; they are only disk space.
  }
}

/** Another process starting at the same moment reads the old file or the new one, never half of one. */
function writeAtomically(file: string, data: Buffer): void {
  const partial = `${file}.${process.pid}.partial`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(partial, data);
    renameSync(partial, file);
  } catch {
    try {
      rmSync(partial, { force: true });
    } catch {
      // Nothing was written, or nothing can be.
    }
  }
}
