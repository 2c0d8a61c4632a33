import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const PACKAGE = resolve(__dirname, '..');

describe('the package, as another program loads it', () => {
  // Jest preloads reflect-metadata for every test; a consumer of the built package does not.
  it('starts and stops from its compiled entry in a plain Node process', () => {
    // Inside the package, so that its dependencies resolve as they do from dist/.
    const out = mkdtempSync(join(PACKAGE, '.entry-check-'));
    try {
      const swc = join(PACKAGE, '..', '..', 'node_modules', '.bin', 'swc');
      execFileSync(swc, ['src', '-d', out, '--strip-leading-paths', '--config-file', '.swcrc', '--quiet'], {
        cwd: PACKAGE,
      });
      const script = `require(${JSON.stringify(join(out, 'index.js'))}).startGenesysEmulator({ port: 0 }).then((e) => e.close()).then(() => console.log('closed'))`;
      const printed = execFileSync(process.execPath, ['-e', script], {
        cwd: PACKAGE,
        encoding: 'utf8',
        timeout: 15_000,
      });
      expect(printed.trim()).toBe('closed');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
