# The gateway and the sample consumers on the current Node LTS. Node runs the TypeScript
# sources directly (type stripping); production dependencies only. The default command runs
# the gateway; `node consumers/main.ts <category>` runs a consumer.
FROM node:26-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --omit=dev --no-audit --no-fund
COPY common ./common
COPY schemas ./schemas
COPY gateway ./gateway
COPY consumers ./consumers
# Where the sample consumers keep their SQLite files (a volume in docker-compose.yml).
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:8080/readyz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "gateway/main.ts"]
