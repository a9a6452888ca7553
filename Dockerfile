# syntax=docker/dockerfile:1
# The polls service image. The same image runs the service (default command), the migrations
# (`node service/dist/bin/migrate.js`) and the admin commands (`node service/dist/bin/create-admin.js`).
# Only the service workspace is installed: the Pulumi program in stacks/ never enters the image.

FROM node:24.20.0-bookworm-slim AS workspace
WORKDIR /app
COPY package.json package-lock.json ./
COPY service/package.json service/

# Everything the build needs: the service's dependencies and dev tools (esbuild, see service/build.mjs).
# No lifecycle scripts in either install: the root package's `prepare` builds the service and makes the
# embedded database's template for `npm start`, and the image runs on DATABASE_URL (esbuild's own script
# only checks its binary, which the build below uses anyway).
FROM workspace AS build
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
  npm ci --workspace service --include-workspace-root --ignore-scripts --no-audit --no-fund
COPY service/build.mjs service/bundle.mjs service/
COPY service/src service/src
# dist/start is `npm start`'s one-file build (service/build.mjs); the image runs the file-by-file one.
RUN npm run build --workspace service && rm -r service/dist/start

# Production dependencies of the service only, installed afresh rather than pruned from the build.
FROM workspace AS production-dependencies
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
  npm ci --workspace service --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:24.20.0-bookworm-slim AS runtime
LABEL org.opencontainers.image.title="polls" \
  org.opencontainers.image.description="The polls web service: pages for voters, an admin site and a JSON API" \
  org.opencontainers.image.licenses="MIT" \
  org.opencontainers.image.base.name="docker.io/library/node:24.20.0-bookworm-slim"
ENV NODE_ENV=production \
  HOST=0.0.0.0 \
  PORT=3000
WORKDIR /app
# Files stay owned by root, so the service (user node) cannot modify its own code. The dependencies
# come with the package files and both node_modules folders (npm nests a few under service/).
COPY --from=production-dependencies /app/ ./
COPY --from=build /app/service/dist service/dist
COPY service/views service/views
COPY service/static service/static
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Set by the pipeline; last, so that a new revision reuses every cached layer above. No version: an image is built
# once, on main, and a release tag later promotes that same image (docs/pipeline.md). The service sends the
# revision as its Polls-Revision header, which the pipeline's smoke check reads.
ARG REVISION=unknown
LABEL org.opencontainers.image.revision="$REVISION"
ENV SERVICE_REVISION="$REVISION"
# The service is PID 1 and handles SIGTERM itself: it drains requests and exits within 10 s.
CMD ["node", "service/dist/bin/serve.js"]
