// The production bundle: the service as swc compiled it (dist/, decorator metadata included),
// in one file, service.js. Loading one file instead of ~1,000 modules is most of what start-up cost
// (BENCHMARKS.md, "Start-up"). Beside it main.js, what start:prod and the image run: it runs
// service.js with V8's code from an earlier start (src/bin/bundle-main.ts).
// Usage: node scripts/bundle-production.mjs [compiled dir] [out dir].
import { build } from 'esbuild';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { applyEdits, functionsLeftUnnamed } from './bundle-edits.mjs';
import { loadedAtFirstUse } from './loaded-at-first-use.mjs';

const compiled = resolve(process.argv[2] ?? 'dist');
const out = resolve(process.argv[3] ?? join(compiled, 'bundle'));

/**
 * class-validator requires libphonenumber-js (345 KB, its metadata parsed at load) for
 * @IsPhoneNumber alone, which this service does not use: in the bundle it is a stub that throws if
 * ever called. 2.3 MB of idle RSS and 0.35 MB of source (docs/performance.md). The build fails if
 * compiled code of ours names the validator, so the stub cannot be reached unnoticed.
 */
const phoneNumbersLeftOut = {
  name: 'phone-numbers-left-out',
  setup(build) {
    build.onStart(() => {
      const users = compiledFiles(compiled).filter((file) => /\b[Ii]sPhoneNumber\b/.test(readFileSync(file, 'utf8')));
      if (users.length > 0) throw new Error(`IsPhoneNumber is used (${users.join(', ')}): drop phoneNumbersLeftOut`);
    });
    build.onResolve({ filter: /^libphonenumber-js\/max$/ }, ({ path }) => ({ path, namespace: 'left-out' }));
    build.onLoad({ filter: /.*/, namespace: 'left-out' }, () => ({
      contents: 'exports.parsePhoneNumber = () => { throw new Error("IsPhoneNumber is not in this bundle"); };',
      loader: 'js',
    }));
  },
};

/**
 * Where CommonJS requires an ES module (our swc output requiring Nest's packages), esbuild's
 * `__toCommonJS` copies the module's exports onto a new object of getters, at every require: 109
 * requires of 9 modules made 8,085 getters at each start. Node's require returns one object per
 * module; so does this, keeping the first view. An ES module's namespace has all its exports from
 * the moment it exists (esbuild's `__export` defines them before the module runs), so the first
 * view is complete. (esbuild's `__toESM`, the other direction, is left as it is: a CommonJS module
 * required inside a cycle can gain exports after a first view is made.)
 */
function requiredViewsMadeOnce(code) {
  const helper = '__toCommonJS=mod=>__copyProps(__defProp({},"__esModule",{value:!0}),mod)';
  const at = code.indexOf(helper);
  if (at === -1 || code.indexOf(helper, at + 1) !== -1)
    throw new Error('esbuild no longer writes __toCommonJS as this build expects');
  return {
    start: at,
    end: at + helper.length,
    text: '__requiredViews=new WeakMap,__toCommonJS=mod=>{let view=__requiredViews.get(mod);return view||__requiredViews.set(mod,view=__copyProps(__defProp({},"__esModule",{value:!0}),mod)),view}',
  };
}

function compiledFiles(directory) {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => !file.startsWith(out));
}

/**
 * A plugin that rewrites dependencies' files as they load. Each [from, to] pair replaces text that
 * must appear in the file exactly once: a release that writes it differently fails the build
 * rather than quietly bringing back what the rewrite took away.
 */
function rewritten(name, files) {
  return {
    name,
    setup(build) {
      for (const { file, edits } of files) {
        build.onLoad({ filter: file }, async ({ path }) => {
          let source = await readFile(path, 'utf8');
          for (const [from, to] of edits) {
            if (source.split(from).length !== 2) throw new Error(`${path} is no longer written as this build expects`);
            source = source.replace(from, to);
          }
          return { contents: source, loader: 'js' };
        });
      }
    },
  };
}

/**
 * Nest's two loggers (Logger, ConsoleLogger) each make an Intl.DateTimeFormat when their module
 * loads, for timestamps that only their console output shows, which this service does not use
 * (logs go through pino). Making one maps ICU's locale and time-zone data into the process: 5.6
 * MB of idle RSS on Node 24 (three starts each, docs/performance.md). Here each is made at its
 * first use, with the same arguments. A Nest release that writes it differently fails the build
 * rather than quietly bringing the cost back.
 */
const timestampFormatOnFirstUse = {
  name: 'timestamp-format-on-first-use',
  setup(build) {
    build.onLoad(
      { filter: /[\\/]@nestjs[\\/]common[\\/]services[\\/](console-)?logger\.service\.js$/ },
      async ({ path }) => {
        const source = await readFile(path, 'utf8');
        const made = /const dateTimeFormatter = new Intl\.DateTimeFormat\(([^()]*)\);/;
        if (!made.test(source)) throw new Error(`${path} no longer makes its dateTimeFormatter as this build expects`);
        const contents = source.replace(
          made,
          'let dateTimeFormat; const dateTimeFormatter = { format: (time) => (dateTimeFormat ??= new Intl.DateTimeFormat($1)).format(time) };',
        );
        return { contents, loader: 'js' };
      },
    );
  },
};

/**
 * Our CommonJS code requires axios (the `require` condition: its prebuilt CommonJS file) and
 * @nestjs/axios imports it (its ES modules): without this the bundle holds, and every start runs,
 * two copies of axios. Both now resolve to the ES modules.
 */
const oneAxios = {
  name: 'one-axios',
  setup(build) {
    build.onResolve({ filter: /^axios$/ }, async ({ kind, resolveDir, pluginData }) => {
      if (kind !== 'require-call' || pluginData === 'one-axios') return undefined;
      const esm = await build.resolve('axios', { kind: 'import-statement', resolveDir, pluginData: 'one-axios' });
      return esm.errors.length > 0 ? { errors: esm.errors } : { path: esm.path };
    });
  },
};

/**
 * What axios does when its modules load that only its fetch adapter and FormData bodies need,
 * neither of which this service uses (its Genesys calls go through the http adapter, with JSON or a
 * form string): it reads the global FormData, and makes the fetch adapter once (a Request over a
 * ReadableStream). Either loads Node's undici: 80-90 ms alone on a 2-core machine, about 30 ms of
 * the service's start (docs/performance.md). Here `isFormData` looks FormData up only for a value
 * that could be one: its checks that reject strings, plain objects and values without `append`,
 * which came after the lookup, now come before it. And the fetch adapter's module no longer makes
 * its unused default export: axios asks for the adapter through `getFetch`, and an import of the
 * default would now fail the build. An axios release that writes either differently fails the build.
 */
const axiosWithoutUndiciAtLoad = rewritten('axios-without-undici-at-load', [
  {
    file: /[\\/]node_modules[\\/]axios[\\/]lib[\\/]utils\.js$/,
    edits: [
      [
        `const FormDataCtor = typeof G.FormData !== 'undefined' ? G.FormData : undefined;

const isFormData = (thing) => {
  if (!thing) return false;
  if (FormDataCtor && thing instanceof FormDataCtor) return true;
  // Reject plain objects inheriting directly from Object.prototype so prototype-pollution gadgets can't spoof FormData.
  const proto = getPrototypeOf(thing);
  if (!proto || proto === Object.prototype) return false;
  if (!isFunction(thing.append)) return false;
`,
        `const isFormData = (thing) => {
  if (!thing) return false;
  const proto = getPrototypeOf(thing);
  if (!proto || proto === Object.prototype) return false;
  if (!isFunction(thing.append)) return false;
  const FormDataCtor = typeof G.FormData !== 'undefined' ? G.FormData : undefined;
  if (FormDataCtor && thing instanceof FormDataCtor) return true;
`,
      ],
    ],
  },
  {
    file: /[\\/]node_modules[\\/]axios[\\/]lib[\\/]adapters[\\/]fetch\.js$/,
    edits: [['const adapter = getFetch();\n\nexport default adapter;\n', '']],
  },
]);

/**
 * sonic-boom, pino's destination, measures the UTF-8 length of its last pending buffer again at
 * every line it appends to it: while a write is in flight every request's log line lands there,
 * so under load each line rescans (and flattens) all the lines before it. Here the length is kept
 * as lines are appended, and measured again only when that buffer is not the one this code last
 * appended to (sonic-boom's flush and retries put buffers there too). On Node 24 the config
 * endpoint spends 0.98x the CPU per request (docs/performance.md). A sonic-boom release that
 * writes it differently fails the build.
 */
const logLinesMeasuredOnce = rewritten('log-lines-measured-once', [
  {
    file: /[\\/]node_modules[\\/](?:.*[\\/])?sonic-boom[\\/]index\.js$/,
    edits: [
      [
        `  if (
    bufs.length === 0 ||
    Buffer.byteLength(bufs[bufs.length - 1]) + dataLen > this.maxWrite
  ) {
    bufs.push(data)
  } else {
    bufs[bufs.length - 1] += data
  }
`,
        `  const last = bufs.length === 0 ? undefined : bufs[bufs.length - 1]
  const lastLen = last === undefined ? 0 : last === this._lastAppended ? this._lastAppendedLen : Buffer.byteLength(last)
  if (last === undefined || lastLen + dataLen > this.maxWrite) {
    bufs.push(data)
    this._lastAppended = data
    this._lastAppendedLen = dataLen
  } else {
    bufs[bufs.length - 1] += data
    this._lastAppended = bufs[bufs.length - 1]
    this._lastAppendedLen = lastLen + dataLen
  }
`,
      ],
    ],
  },
]);

/**
 * find-my-way, fastify's router, compiles a matcher for every static node's prefix with `new
 * Function` as each route is added: code that V8's kept code cannot hold, so every start compiled
 * them all again. Here a node's matcher is compiled at its first match and replaces itself on the
 * node, so from the first request on the router runs the same code as before. Ready 310 vs 335 ms,
 * main thread's CPU 241 vs 263 ms on a 2-core machine (24 starts each, docs/performance.md). A
 * find-my-way release that writes these lines differently fails the build.
 */
const routeMatchersCompiledAtFirstMatch = rewritten('route-matchers-compiled-at-first-match', [
  {
    file: /[\\/]node_modules[\\/](?:.*[\\/])?find-my-way[\\/]lib[\\/]node\.js$/,
    edits: [
      [
        'function compilePrefixMatch (prefix) {',
        `function compilePrefixMatchAtFirstMatch (node, prefix) {
  return function matchPrefixAtFirstMatch (path, i) {
    node.matchPrefix = compilePrefixMatch(prefix)
    return node.matchPrefix(path, i)
  }
}

function compilePrefixMatch (prefix) {`,
      ],
      [
        'this.matchPrefix = kind === NODE_TYPES.STATIC ? compilePrefixMatch(prefix) : null',
        'this.matchPrefix = kind === NODE_TYPES.STATIC ? compilePrefixMatchAtFirstMatch(this, prefix) : null',
      ],
      [
        'this.matchPrefix = compilePrefixMatch(childPrefix)',
        'this.matchPrefix = compilePrefixMatchAtFirstMatch(this, childPrefix)',
      ],
    ],
  },
]);

/**
 * What dependencies load as their modules load for what this service never asks of them by
 * default, loaded at its first use instead (scripts/loaded-at-first-use.mjs):
 * - Node's http2: fastify loads it for `http2: true`, axios for `httpVersion: 2`. 18-23 ms to load
 *   on a 2-core machine; ready 609 vs 639 ms without it (eight starts each, docs/performance.md).
 * - https-proxy-agent (and agent-base and debug with it): axios's tunnel to an HTTPS origin through
 *   a proxy, used only when HTTPS_PROXY (or a `proxy` option) applies to a request.
 * - mime-types (and its 184 KB mime-db): form-data's lookup of a file's content type; axios loads
 *   form-data for multipart bodies, which the Genesys client never sends.
 *   These two: ready 305 vs 335 ms, main thread's CPU 240 vs 263 ms (24 starts each).
 */
const dependenciesAtFirstUse = loadedAtFirstUse([
  { request: /^(node:)?http2$/, shape: 'object' },
  { request: /^https-proxy-agent$/, importer: /[\\/]node_modules[\\/]axios[\\/]/, shape: 'function' },
  { request: /^mime-types$/, importer: /[\\/]node_modules[\\/]form-data[\\/]/, shape: 'object' },
]);

/**
 * What the service loads only when it is configured, each in a bundle of its own beside
 * service.js (`optional/`), read at its first require: the Redis client and the cache store over it
 * and BullMQ (REDIS_URL), jwks-rsa (JWT_JWKS_URL). In service.js they were 1.6 MB of its 6 MB, read,
 * digested and held by every start that never runs them: ready 516 vs 545 ms and idle RSS 86.9 vs
 * 89.4 MB without them (ten starts each, docs/performance.md). The client and the store share one
 * file: the store is handed the client's own connection.
 */
const OPTIONAL_BUNDLES = {
  redis: { '@redis/client': 'client', '@keyv/redis': 'keyvRedis' },
  bullmq: { bullmq: 'bullmq' },
  'jwks-rsa': { 'jwks-rsa': 'jwksRsa' },
};
const optionalFileOf = new Map(
  Object.entries(OPTIONAL_BUNDLES).flatMap(([file, packages]) =>
    Object.entries(packages).map(([name, key]) => [name, { file: `./optional/${file}.js`, key }]),
  ),
);
const optionalBundlesBeside = {
  name: 'optional-bundles-beside',
  setup(build) {
    build.onResolve({ filter: /^[@\w]/ }, ({ path }) =>
      optionalFileOf.has(path) ? { path, namespace: 'optional-beside' } : undefined,
    );
    // Required at run time beside service.js (main.js gives it a require of its own folder).
    build.onResolve({ filter: /^\.\/optional\//, namespace: 'optional-beside' }, ({ path }) => ({
      path,
      external: true,
    }));
    build.onLoad({ filter: /.*/, namespace: 'optional-beside' }, ({ path }) => {
      const { file, key } = optionalFileOf.get(path);
      return { contents: `module.exports = require(${JSON.stringify(file)}).${key};`, loader: 'js' };
    });
  },
};

/** What every bundle of the service is built with. */
const bundled = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  // Every class keeps the name its source gave it, as `.name` reads it (Nest's loggers, ours): without
  // this esbuild renames those that name themselves (`_InstanceLoader`, `GenesysClient2`). What
  // keepNames does to functions, a property set on each as it is made, is taken off again below
  // (scripts/bundle-edits.mjs): it cost the config endpoint a fifth of its throughput.
  keepNames: true,
  // Beside each bundle, mapped back to src/ through swc's maps; not loaded at start (Node's
  // --enable-source-maps reads all of it eagerly: +130 MB and +300 ms), for `node
  // --enable-source-maps dist/bundle/main.js` when a stack trace needs reading.
  sourcemap: true,
  // Whitespace and syntax minified, names kept: 10.0 -> 6.5 MB of source to hold and parse; on
  // Node 24 9 MB less idle RSS (148.5 vs 157.5 MB, three starts each) and 10 MB less peak (bench
  // row "config, memory store", paired: 1.00x and 0.99x req/s; docs/performance.md).
  minifyWhitespace: true,
  minifySyntax: true,
  sourcesContent: false,
  // import() of what is not bundled (Nest's optional packages, looked for at start) becomes
  // require(), as in the rest of this CommonJS code: main.js runs service.js as a vm.Script, where
  // import() needs a loader that Node still calls experimental, and warns about at every start.
  supported: { 'dynamic-import': false },
  logLevel: 'warning',
};

/**
 * A bundle as esbuild wrote it, edited (the source map moved to match): functions left as they
 * were without keepNames, `more` edits, and every non-ASCII character escaped. V8 keeps a script's
 * source as one byte per character only when every character is Latin-1; a single character beyond
 * it (validator.js's alphabets for Cyrillic, Greek, Arabic, CJK, in regular expression literals,
 * which esbuild leaves as written) doubles the whole 6.5 MB to two bytes per character, 13 MB of the
 * idle heap. Every non-ASCII UTF-16 unit becomes a \uXXXX escape, which means the same in a regular
 * expression (class ranges included; a surrogate pair is one code point under the u flag, two units
 * without it, as before), a string or a comment.
 */
function finish(file, more = () => []) {
  const written = { code: readFileSync(file, 'utf8'), map: JSON.parse(readFileSync(`${file}.map`, 'utf8')) };
  const named = applyEdits(written.code, written.map, functionsLeftUnnamed(written.code));
  const escapes = [...named.code.matchAll(/[\u0080-\uffff]/g)].map((match) => ({
    start: match.index,
    end: match.index + 1,
    text: `\\u${match[0].charCodeAt(0).toString(16).padStart(4, '0')}`,
  }));
  const shipped = applyEdits(named.code, named.map, [...more(named.code), ...escapes]);
  writeFileSync(file, shipped.code);
  writeFileSync(`${file}.map`, JSON.stringify(shipped.map));
}

const bundle = join(out, 'service.js');
await build({
  ...bundled,
  entryPoints: [join(compiled, 'production-service.js')],
  outfile: bundle,
  plugins: [
    timestampFormatOnFirstUse,
    phoneNumbersLeftOut,
    oneAxios,
    axiosWithoutUndiciAtLoad,
    dependenciesAtFirstUse,
    logLinesMeasuredOnce,
    routeMatchersCompiledAtFirstMatch,
    optionalBundlesBeside,
  ],
  external: [
    // Optional packages Nest and its Fastify adapter load only when used, and this service does not use.
    '@nestjs/microservices',
    '@nestjs/websockets',
    '@nestjs/platform-express',
    '@fastify/view',
    '@fastify/multipart',
    'class-transformer/storage',
    // Serves its files from its own folder (Swagger UI, off in production by default).
    'swagger-ui-dist',
  ],
  // Some dependencies (@nestjs/terminus) call createRequire(import.meta.url), which a CommonJS bundle lacks.
  banner: { js: "const __bundleImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__bundleImportMetaUrl' },
});
finish(bundle, (code) => [requiredViewsMadeOnce(code)]);
for (const [name, packages] of Object.entries(OPTIONAL_BUNDLES)) {
  const file = join(out, 'optional', `${name}.js`);
  await build({
    ...bundled,
    stdin: {
      contents: Object.entries(packages)
        .map(([required, key]) => `exports.${key} = require(${JSON.stringify(required)});`)
        .join('\n'),
      resolveDir: compiled,
      sourcefile: `optional-${name}.js`,
    },
    outfile: file,
  });
  finish(file);
}
// The launcher: Node built-ins and the code cache's few lines, nothing of the service.
await build({
  entryPoints: [join(compiled, 'bin', 'bundle-main.js')],
  outfile: join(out, 'main.js'),
  bundle: true,
  platform: 'node',
  target: 'node22',
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'warning',
});
console.log(`bundled ${join(compiled, 'production-service.js')} into ${bundle}, run by ${join(out, 'main.js')}`);
