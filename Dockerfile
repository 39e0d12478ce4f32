# The gateway and the sample consumers, as JavaScript: docker/compile.ts strips the types of the
# TypeScript sources (every line and column kept, so stack traces point at the sources), which
# spares Node's TypeScript loader about 25 MB of memory. Production dependencies only. The
# default command runs the gateway; `node consumers/main.js <category>` runs a consumer.
# NODE_IMAGE: the official Node image by default; `npm run docker:images` passes one built
# without a registry (docs/docker.md).
ARG NODE_IMAGE=node:26-slim
FROM ${NODE_IMAGE}
WORKDIR /app
ENV NODE_ENV=production
# V8's young generation at most 16 MB a semi-space (Node's default lets it grow to about 60 MB
# under load): 30-50 MB less RSS at the same throughput (docs/performance.md). npm run bench
# runs the gateway with this file's ENV settings and CMD flags (docker/gateway-runtime.ts).
ENV NODE_OPTIONS=--max-semi-space-size=16
# glibc's malloc with 2 arenas instead of up to 8 per core: 8-13 MB less RSS under load.
ENV MALLOC_ARENA_MAX=2
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY common /tmp/src/common
COPY schemas /tmp/src/schemas
COPY gateway /tmp/src/gateway
COPY consumers /tmp/src/consumers
COPY docker/compile.ts /tmp/src/docker/compile.ts
RUN node /tmp/src/docker/compile.ts /app /tmp/src && rm -rf /tmp/src
# The spool and the sample consumers' SQLite files live under /data (volumes in docker-compose.yml).
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080
# Follows PORT and TLS_CERT_FILE, so a gateway on another port or on HTTPS is checked where it listens.
HEALTHCHECK --interval=10s --timeout=4s --start-period=30s CMD ["node", "gateway/http/healthcheck.js"]
# V8 starts marking the old generation for a major GC once 70% of its room to the next limit is
# used (90%: at once), instead of as soon as that room is smaller than the young generation,
# which with a small young generation restarted a major GC about every second under load; and
# that limit is 1.5 times the live old generation, not up to 4 times after a busy spell, which
# held hundreds of MB of garbage (docs/performance.md). V8 refuses these in NODE_OPTIONS.
CMD ["node", "--incremental-marking-soft-trigger=70", "--incremental-marking-hard-trigger=90", "--heap-growing-percent=50", "gateway/main.js"]
