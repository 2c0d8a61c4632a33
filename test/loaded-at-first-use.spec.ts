import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const PLUGIN = pathToFileURL(resolve('scripts', 'loaded-at-first-use.mjs')).href;
const ESBUILD = pathToFileURL(require.resolve('esbuild')).href;

// A small program in the shapes the production bundle meets: an ES module that constructs a
// dependency's class and tests instances of it (axios and https-proxy-agent), a CommonJS module
// that reads functions off a dependency (form-data and mime-types), one off a Node built-in
// (fastify and http2), and an importer the plugin is not asked to change.
const FILES: Record<string, string> = {
  'node_modules/agent/index.js': `globalThis.loads.push('agent');
class Agent { constructor(options) { this.options = options; } }
module.exports = Agent;`,
  'node_modules/lookup/index.js': `globalThis.loads.push('lookup');
exports.double = (n) => n * 2;`,
  'node_modules/client/adapter.mjs': `import Agent from 'agent';
export const make = (options) => new Agent(options);
export const isAgent = (value) => value instanceof Agent;`,
  'node_modules/form/index.js': `const lookup = require('lookup');
exports.double = (n) => lookup.double(n);
exports.hasDouble = () => 'double' in lookup;`,
  'node_modules/server/index.js': `const zlib = require('node:zlib');
exports.gzipSync = (text) => zlib.gzipSync(text);`,
  'node_modules/eager/index.js': `exports.Agent = require('agent');`,
  'entry.js': `const adapter = require('client/adapter.mjs');
const form = require('form');
const server = require('server');
globalThis.loads.push('entry');
module.exports = { adapter, form, server, eager: () => require('eager') };`,
};

function runBundled(program: string): unknown {
  const folder = mkdtempSync(join(tmpdir(), 'at-first-use-'));
  try {
    for (const [name, text] of Object.entries(FILES)) {
      mkdirSync(dirname(join(folder, name)), { recursive: true });
      writeFileSync(join(folder, name), text);
    }
    const script = `import { build } from ${JSON.stringify(ESBUILD)};
import { loadedAtFirstUse } from ${JSON.stringify(PLUGIN)};
import { createRequire } from 'node:module';
const built = await build({
  entryPoints: [${JSON.stringify(join(folder, 'entry.js'))}],
  bundle: true, platform: 'node', format: 'cjs', write: false, logLevel: 'silent',
  plugins: [loadedAtFirstUse([
    { request: /^agent$/, importer: /[\\\\/]client[\\\\/]/, shape: 'function' },
    { request: /^lookup$/, shape: 'object' },
    { request: /^node:zlib$/, shape: 'object' },
  ])],
});
const code = built.outputFiles[0].text;
globalThis.loads = [];
const nodeRequire = createRequire(import.meta.url);
const required = [];
const module = { exports: {} };
new Function('require', 'module', 'exports', code)((name) => (required.push(name), nodeRequire(name)), module, module.exports);
const bundle = module.exports;
${program}`;
    return JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

describe('dependencies loaded at their first use (scripts/loaded-at-first-use.mjs)', () => {
  it('loads none of them while the program loads', () => {
    expect(runBundled(`console.log(JSON.stringify({ loads, required }));`)).toEqual({
      loads: ['entry'],
      required: [],
    });
  });

  it('loads a class at its first `new`, and constructs, and tests instances, as the class itself', () => {
    expect(
      runBundled(`const before = [...loads];
const made = bundle.adapter.make({ proxy: 'http://proxy:3128' });
console.log(JSON.stringify({
  before, after: loads, options: made.options, isAgent: bundle.adapter.isAgent(made),
  plainIsAgent: bundle.adapter.isAgent({ options: made.options }), className: made.constructor.name,
}));`),
    ).toEqual({
      before: ['entry'],
      after: ['entry', 'agent'],
      options: { proxy: 'http://proxy:3128' },
      isAgent: true,
      plainIsAgent: false,
      className: 'Agent',
    });
  });

  it('loads a class at its first `instanceof` too: an instance made elsewhere is recognised', () => {
    expect(
      runBundled(`const made = new (bundle.eager().Agent)({});
console.log(JSON.stringify({ isAgent: bundle.adapter.isAgent(made), loads }));`),
    ).toEqual({ isAgent: true, loads: ['entry', 'agent'] });
  });

  it('loads an object of functions at its first read, once', () => {
    expect(
      runBundled(`const has = bundle.form.hasDouble();
const answers = [bundle.form.double(2), bundle.form.double(21)];
console.log(JSON.stringify({ has, answers, loads }));`),
    ).toEqual({ has: true, answers: [4, 42], loads: ['entry', 'lookup'] });
  });

  it("leaves a Node built-in to Node's own require, at its first use", () => {
    expect(
      runBundled(`const before = [...required];
const zipped = bundle.server.gzipSync('hello');
console.log(JSON.stringify({ before, after: required, gzip: zipped[0] === 0x1f && zipped[1] === 0x8b }));`),
    ).toEqual({ before: [], after: ['node:zlib'], gzip: true });
  });
});
