# syntax=docker/dockerfile:1
# The default target (the last stage) is the production service, without the emulator.
# `--target emulator` builds the Genesys Cloud emulator image that docker-compose's emulator profile runs.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/genesys-emulator/package.json ./packages/genesys-emulator/
RUN npm ci
COPY tsconfig.json tsconfig.build.json nest-cli.json .swcrc ./
COPY scripts ./scripts
COPY src ./src
COPY packages/genesys-emulator ./packages/genesys-emulator
RUN npm run build && npm run build --workspace genesys-emulator

FROM build AS production-modules
RUN npm prune --omit=dev && rm -rf node_modules/genesys-emulator

FROM node:24-bookworm-slim AS emulator
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/packages/genesys-emulator/package.json ./packages/genesys-emulator/package.json
COPY --from=build /app/packages/genesys-emulator/dist ./packages/genesys-emulator/dist
COPY --from=build /app/packages/genesys-emulator/assets ./packages/genesys-emulator/assets
USER node
EXPOSE 8787
CMD ["node", "packages/genesys-emulator/dist/main.js"]

FROM node:24-bookworm-slim AS production
ENV NODE_ENV=production
WORKDIR /app
# Code, modules and configuration stay root's: the service runs as the node user, which reads them
# and cannot rewrite them (nor leave code there for the next start).
COPY --from=production-modules /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY config ./config
# V8's code for the service, as compiled by a start (src/performance/code-cache-after-start.ts), made
# here and read back at every start: one start on throwaway settings, asked its liveness once, and
# stopped once it has kept its code (scripts/warm-code-cache.mjs, which the bench warms with too).
# Nothing reaches Genesys or a caller: liveness does not ask Genesys. Same node flags as CMD (a
# test keeps them equal): V8 refuses code compiled under others.
# Left to root: the service only reads that code (a start whose code V8 refuses compiles as if
# there were none), so a compromised process cannot leave code there for the next start.
ENV NODE_COMPILE_CACHE=/app/.compile-cache
RUN --mount=type=bind,source=scripts/warm-code-cache.mjs,target=/tmp/warm-code-cache.mjs \
    export GENESYS_CLIENT_ID=image-build GENESYS_CLIENT_SECRET=image-build \
    GENESYS_DEPLOYMENT_ID=00000000-0000-4000-8000-000000000000 GENESYS_ORGANIZATION_ID=00000000-0000-4000-8000-000000000000 \
    JWT_ISSUER=https://image-build.invalid JWT_AUDIENCE=image-build HOST=127.0.0.1 LOG_LEVEL=warn \
    JWT_SECRET="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
    ATTRIBUTE_SIGNING_KEYS="k1:$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
  && node /tmp/warm-code-cache.mjs --max-semi-space-size=8 dist/bundle/main.js \
  && ls .compile-cache/service.js-*.v8-code
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# As `npm run start:prod` (a test keeps them equal): young-generation space capped at 8 MB, 36 MB less peak RSS for 6 % of the throughput (docs/performance.md).
CMD ["node", "--max-semi-space-size=8", "dist/bundle/main.js"]
