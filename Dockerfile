# The gateway and the sample consumers. Node runs the TypeScript sources directly (type
# stripping); production dependencies only. The default command runs the gateway;
# `node consumers/main.ts <category>` runs a consumer.
# NODE_IMAGE: the official Node image by default; `npm run docker:images` passes one built
# without a registry (docs/docker.md).
ARG NODE_IMAGE=node:26-slim
FROM ${NODE_IMAGE}
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY common ./common
COPY schemas ./schemas
COPY gateway ./gateway
COPY consumers ./consumers
# The spool and the sample consumers' SQLite files live under /data (volumes in docker-compose.yml).
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080
# Follows PORT and TLS_CERT_FILE, so a gateway on another port or on HTTPS is checked where it listens.
HEALTHCHECK --interval=10s --timeout=4s --start-period=30s CMD ["node", "gateway/http/healthcheck.ts"]
CMD ["node", "gateway/main.ts"]
