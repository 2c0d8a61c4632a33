/**
 * An esbuild plugin: modules that others load as their own module loads, for paths this service
 * does not take by default, are loaded at their first use instead. The importer gets a stand-in, a
 * proxy that loads the module at its first property read, call, `new` or `instanceof`, and forwards
 * to it from then on.
 *
 * Each entry names the module (`request`, matched against what the importer writes), optionally
 * the importers it applies to (`importer`, matched against their paths), and what the module
 * exports (`shape`): `object` (properties read off it) or `function` (called, constructed, or on
 * the right of `instanceof`). An importer that is an ES module gets the stand-in as its default
 * import; a CommonJS importer gets it from require(), and must not test it for `__esModule` as
 * TypeScript's interop does (that read would load the module).
 *
 * @param {{ request: RegExp, importer?: RegExp, shape: 'object' | 'function' }[]} modules
 */
export function loadedAtFirstUse(modules) {
  return {
    name: 'loaded-at-first-use',
    setup(build) {
      modules.forEach(({ request, importer: importers, shape }, index) => {
        // One namespace per kind of importer: esbuild keeps one module per namespace and path.
        const commonJs = `at-first-use-${index}`;
        const esm = `at-first-use-${index}-esm`;
        build.onResolve({ filter: request }, ({ path, kind, importer, namespace, resolveDir }) => {
          // The stand-in's own require is the real module, resolved as usual (or left to Node, for a built-in).
          if (namespace === commonJs || namespace === esm) return undefined;
          if (importers !== undefined && !importers.test(importer)) return undefined;
          return { path, namespace: kind === 'import-statement' ? esm : commonJs, pluginData: resolveDir };
        });
        const load = (namespace, exported) =>
          build.onLoad({ filter: /.*/, namespace }, ({ path, pluginData }) => ({
            contents: `${exported} ${standIn(path, shape)};`,
            loader: 'js',
            resolveDir: pluginData,
          }));
        load(commonJs, 'module.exports =');
        load(esm, 'export default');
      });
    },
  };
}

/** The proxy's text: its traps load the module (require's own cache keeps it) and forward to it. */
function standIn(path, shape) {
  const loaded = `require(${JSON.stringify(path)})`;
  const traps = [`get: (_, key) => ${loaded}[key]`, `has: (_, key) => key in ${loaded}`];
  if (shape === 'function') {
    traps.push(
      `apply: (_, self, args) => Reflect.apply(${loaded}, self, args)`,
      `construct: (_, args) => Reflect.construct(${loaded}, args)`,
    );
  } else if (shape !== 'object') {
    throw new Error(`${path}: shape is object or function, not ${String(shape)}`);
  }
  return `new Proxy(${shape === 'function' ? 'function () {}' : '{}'}, { ${traps.join(', ')} })`;
}
