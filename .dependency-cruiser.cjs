/**
 * The import rules of src/, checked by `npm run lint` (dependency-cruiser).
 *
 * Composition roots sit at the top: src/bin/ (every executable), bootstrap.ts, app.module.ts,
 * environment-schemas.ts, openapi-document.ts and the generated metadata.ts. They may import
 * anything; nothing else imports them. Below them the feature folders stand in layers, lowest
 * first; a folder imports only from layers below its own, never from its own layer's other
 * folders, so no import runs back up and no folders import each other in a loop.
 *
 * The Genesys Cloud emulator (packages/genesys-emulator) is development tooling: only the
 * development launcher imports it, and nothing the production entry point loads reaches it.
 *
 * Redis and the cache store are reached only through src/cache-store's SharedStateStore.
 */
const LAYERS = [
  ['config', 'clock', 'metrics'],
  ['logging', 'development', 'cache-store'],
  ['errors'],
  ['performance'],
  ['auth', 'genesys', 'request-body'],
  ['attribute-signature'],
  ['attribute-registry'],
  ['widget-config'],
  ['health', 'metrics/scrape', 'verification'],
  ['audit', 'canary'],
];

const COMPOSITION_ROOTS =
  '^src/(bin/|bootstrap\\.ts$|development-launcher\\.ts$|production-service\\.ts$|app\\.module\\.ts$|environment-schemas\\.ts$|openapi-document\\.ts$|metadata\\.ts$)';
/** The only files that may use the emulator: the development launcher and what it starts the sandbox with. */
const EMULATOR_USERS = '^src/(bin/dev\\.ts|development-launcher\\.ts|development/sandbox\\.ts)$';
const folders = (names) => `^src/(${names.join('|')})/`;
/** A folder's own files: those of a sub-folder with a layer of its own (metrics/scrape) are judged by that layer. */
const subFoldersOf = (folder) => LAYERS.flat().filter((other) => other.startsWith(`${folder}/`));

const layerRules = LAYERS.flatMap((layer, index) => {
  const above = LAYERS.slice(index + 1).flat();
  return layer.map((folder) => ({
    name: `${folder}-stays-in-its-layer`,
    comment: `src/${folder}/ imports only from the layers below it (${LAYERS.slice(0, index).flat().join(', ') || 'none'}).`,
    severity: 'error',
    from: {
      path: folders([folder]),
      ...(subFoldersOf(folder).length > 0 ? { pathNot: folders(subFoldersOf(folder)) } : {}),
    },
    to: { path: folders([...above, ...layer.filter((other) => other !== folder), 'emulator']) },
  }));
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Files that import each other in a loop.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'composition-roots-at-the-top',
      comment: 'Only the composition roots import the composition roots.',
      severity: 'error',
      from: { path: '^src/', pathNot: COMPOSITION_ROOTS },
      to: { path: COMPOSITION_ROOTS },
    },
    {
      name: 'emulator-for-development-only',
      comment: 'Only the development launcher and the sandbox import the emulator.',
      severity: 'error',
      from: { path: '^src/', pathNot: EMULATOR_USERS },
      to: { path: 'genesys-emulator' },
    },
    {
      name: 'production-never-loads-the-emulator',
      comment:
        'Nothing the production entry points load (src/bin/main.ts, and the bundle of src/production-service.ts that src/bin/bundle-main.ts runs), directly or not, reaches the emulator.',
      severity: 'error',
      from: { path: '^src/(bin/(bundle-)?main|production-service)\\.ts$' },
      to: { path: 'genesys-emulator', reachable: true },
    },
    {
      name: 'shared-state-through-its-store',
      comment:
        'Redis, the cache store and the job queue are reached only through src/cache-store (SharedStateStore, WorkQueues): one place for timeouts, fallback and outage warnings.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cache-store/' },
      to: {
        path: '(^src/cache-store/redis-connection\\.ts$|@redis/client|@keyv/redis|@nestjs/cache-manager|node_modules/cache-manager|node_modules/bullmq|node_modules/ioredis)',
      },
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(\\.spec\\.ts$|^test/|^bench/)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
