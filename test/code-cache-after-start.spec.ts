import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { compileService, type CompiledService } from './support/compiled-service';

/**
 * runWithCodeCacheAfterStart, in processes of their own as start:prod runs it: V8 keeps a script's
 * compiled code per process, so a second start inside one process would prove nothing.
 */
describe('the code cache made after start-up (what dist/bundle/main.js runs the service with)', () => {
  let build: CompiledService;
  let directory: string;
  let driver: string;
  let program: string;
  let cache: string;

  beforeAll(() => {
    build = compileService();
  });
  afterAll(() => build.remove());

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'code-cache-'));
    cache = join(directory, 'cache');
    program = join(directory, 'program.js');
    driver = join(directory, 'driver.js');
    writeFileSync(
      driver,
      `const { runWithCodeCacheAfterStart } = require(${JSON.stringify(
        join(dirname(build.entry('main')), '..', 'performance', 'code-cache-after-start.js'),
      )});
      const run = runWithCodeCacheAfterStart(process.argv[2], process.argv[3]);
      const result = run.exports.start();
      run.keepCompiledCode();
      process.stdout.write(JSON.stringify({ cacheUsed: run.cacheUsed, result }));`,
    );
    writeFileSync(join(directory, 'beside.js'), 'exports.word = "beside";');
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  const writeProgram = (answer: string) =>
    writeFileSync(
      program,
      `"use strict";
      const { word } = require('./beside.js');
      exports.start = () => ({ answer: ${answer}, word, file: __filename, line: new Error().stack.split('\\n')[1] });`,
    );
  const start = () =>
    JSON.parse(execFileSync(process.execPath, [driver, program, cache], { encoding: 'utf8' })) as {
      cacheUsed: boolean;
      result: { answer: number; word: string; file: string; line: string };
    };
  const cacheFiles = () => readdirSync(cache).filter((name) => name.endsWith('.v8-code'));

  it('runs a CommonJS file as Node would: its exports, __filename, require beside it, its own line numbers', () => {
    writeProgram('41');
    const { result } = start();
    expect(result).toEqual({
      answer: 41,
      word: 'beside',
      file: program,
      line: expect.stringContaining(`${program}:3:`),
    });
  });

  it('compiles the first start itself and writes its code; the next start takes that code and writes nothing', () => {
    writeProgram('41');
    expect(start().cacheUsed).toBe(false);
    expect(cacheFiles()).toHaveLength(1);
    const written = statSync(join(cache, cacheFiles()[0])).mtimeMs;

    const second = start();
    expect(second).toMatchObject({ cacheUsed: true, result: { answer: 41 } });
    expect(statSync(join(cache, cacheFiles()[0])).mtimeMs).toBe(written);
  });

  it('never runs with the code of another build of the file, even one of the same length, and drops that code', () => {
    writeProgram('41');
    start();
    const before = cacheFiles();
    writeProgram('42'); // the same length: V8's own check would let the old code through

    const rebuilt = start();
    expect(rebuilt).toMatchObject({ cacheUsed: false, result: { answer: 42 } });
    expect(cacheFiles()).toHaveLength(1);
    expect(cacheFiles()).not.toEqual(before);
    expect(start()).toMatchObject({ cacheUsed: true, result: { answer: 42 } });
  });

  it('keeps code per runtime: a start under other Node options neither takes nor drops the code of the first', () => {
    writeProgram('41');
    start();
    const otherOptions = JSON.parse(
      execFileSync(process.execPath, [driver, program, cache], {
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '--max-semi-space-size=4' },
      }),
    ) as { cacheUsed: boolean };
    expect(otherOptions.cacheUsed).toBe(false);
    expect(cacheFiles()).toHaveLength(2);
    expect(start().cacheUsed).toBe(true);
  });

  it('runs without the cache when its file is damaged, and writes a sound one in its place', () => {
    writeProgram('41');
    start();
    const file = join(cache, cacheFiles()[0]);
    writeFileSync(file, readFileSync(file).subarray(0, 100));

    expect(start()).toMatchObject({ cacheUsed: false, result: { answer: 41 } });
    expect(start()).toMatchObject({ cacheUsed: true, result: { answer: 41 } });
  });

  it('loads the file as Node does, caching nothing, where stack traces are mapped through source maps', () => {
    writeProgram('41');
    writeFileSync(
      program,
      `${readFileSync(program, 'utf8')}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(
        JSON.stringify({ version: 3, sources: ['program.ts'], names: [], mappings: ';;AAAA' }),
      ).toString('base64')}`,
    );
    const mapped = JSON.parse(
      execFileSync(process.execPath, ['--enable-source-maps', driver, program, cache], { encoding: 'utf8' }),
    ) as { cacheUsed: boolean; result: { line: string } };
    expect(mapped).toMatchObject({ cacheUsed: false, result: { line: expect.stringContaining('program.ts:1:') } });
    expect(existsSync(cache)).toBe(false);
  });

  it('starts when the cache folder cannot be made or written (a read-only file system)', () => {
    writeProgram('41');
    writeFileSync(cache, 'a file where the folder would be');
    expect(start()).toMatchObject({ cacheUsed: false, result: { answer: 41 } });
    rmSync(cache);

    start();
    chmodSync(cache, 0o500);
    rmSync(join(cache, cacheFiles()[0]));
    try {
      // As root (CI), the mode does not stop writes; then this start simply writes its code again.
      expect(start()).toMatchObject({ cacheUsed: false, result: { answer: 41 } });
    } finally {
      chmodSync(cache, 0o700);
    }
  });
});
