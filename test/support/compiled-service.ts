import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The service compiled as `npm start` compiles it, for tests that need real processes (signals, pipes, a second start).
 */
export interface CompiledService {
  /** The path of an entry point of `src/bin`, e.g. `entry('audit')`. */
  entry(name: string): string;
  /** The production bundle of this build, as `npm run build` makes it (made on first call): the shipped artefact. */
  bundle(): string;
  remove(): void;
}

const SWC = resolve('node_modules', '.bin', 'swc');

/**
 * Compiles `src` into a folder of its own inside the project (so that node_modules resolve), and
 * the emulator package into its `dist`, as `npm start` does, for the development entry point.
 */
export function compileService(): CompiledService {
  const dir = mkdtempSync(join(process.cwd(), '.test-build-'));
  execFileSync(SWC, ['src', '-d', dir, '--strip-leading-paths', '--ignore', '**/*.spec.ts', '--quiet'], {
    stdio: 'ignore',
  });
  execFileSync(SWC, ['src', '-d', 'dist', '--strip-leading-paths', '--config-file', '.swcrc', '--quiet'], {
    stdio: 'ignore',
    cwd: resolve('packages', 'genesys-emulator'),
  });
  let bundled: string | undefined;
  return {
    entry: (name) => join(dir, 'bin', `${name}.js`),
    bundle: () => {
      if (bundled === undefined) {
        execFileSync(process.execPath, [join('scripts', 'bundle-production.mjs'), dir, join(dir, 'bundle')], {
          stdio: 'ignore',
        });
        bundled = join(dir, 'bundle', 'main.js');
      }
      return bundled;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
