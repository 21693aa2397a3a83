# Kith: one image for every role (ROLE=web|worker|all). The build stage
# generates the Prisma client (src/generated/) and compiles the program to
# JavaScript in dist/ (scripts/build.sh), which bin/kith runs: Node could run
# the TypeScript sources directly, but with more memory per process.
#
# `npm ci`: exactly the versions in package-lock.json, or the build fails.

FROM node:24-bookworm-slim AS base
WORKDIR /app
# No update checks, funding notices, audits or telemetry during the build.
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false \
    CHECKPOINT_DISABLE=1

# Runtime dependencies only: no dev dependencies (the prisma CLI, vitest,
# typescript), no optional ones (msgpackr-extract is a native addon; msgpackr
# falls back to plain JavaScript), and no install scripts.
FROM base AS deps
# patches/ holds fixes to dependencies (patch-package), applied here by hand
# because install scripts are off.
COPY package.json package-lock.json ./
COPY patches/ patches/
RUN npm ci --omit=dev --omit=optional --ignore-scripts \
 && npx --no-install patch-package --error-on-fail

# Full install, for its postinstall: scripts/node24.sh finds this image's
# Node 24 on PATH (.node24/ is excluded by .dockerignore), so it downloads
# nothing; then `prisma generate` runs offline and writes src/generated/prisma.
# The sources come in after it (so that changing one does not redo the
# install) and are compiled to dist/.
FROM base AS build
COPY package.json package-lock.json ./
COPY patches/ patches/
COPY scripts/ scripts/
COPY prisma/ prisma/
RUN npm ci \
 && test -f src/generated/prisma/client.ts \
 && test ! -e .node24
COPY tsconfig.json tsconfig.build.json ./
COPY src/ src/
COPY routes/ routes/
COPY federation/ federation/
COPY workers/ workers/
RUN sh scripts/build.sh && test -f dist/src/cli/main.js

FROM base AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
COPY --from=deps /app/node_modules ./node_modules
COPY . .
COPY --from=build /app/src/generated ./src/generated
COPY --from=build /app/dist ./dist
# dist/ was compiled from these same sources: mark it up to date whatever
# times the copies got, so bin/kith runs it (the image has no typescript to
# compile it again with).
RUN touch dist/.built
# Sources stay owned by root, read-only to the server. The one place it
# writes is the media store, a volume in docker-compose.yml; the directory is
# made here so a new named volume starts out owned by the server's user.
ENV KITH_MEDIA_DIR=/data/media
RUN mkdir -p /data/media && chown node:node /data/media
USER node
EXPOSE 3000
# Only the web role serves HTTP; docker-compose.yml turns this off for workers.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Apply pending migrations, then serve. Workers run `serve` instead (docker-compose.yml).
# bin/kith adds the V8 flags of bin/node-options (scripts/node24.sh finds this image's Node 24).
CMD ["sh", "bin/kith", "start"]
