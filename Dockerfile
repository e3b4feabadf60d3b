# Guildhall app image: `node bin/guildhall.js start` on Node 24 (TypeScript runs as is, types stripped).
# Build:  docker build -t guildhall .
# Run:    see compose.yaml and docs/operations.md.

# --- build: all dependencies, the web build, then only the runtime dependencies are kept ---------
FROM node:24-slim AS build
WORKDIR /app
# No package needs an install script; skipping scripts also skips `prepare` (svelte-kit sync),
# which needs the sources copied below.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npx svelte-kit sync \
 && npx vite build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# --- runtime ------------------------------------------------------------------------------------
FROM node:24-slim
# As `npm start` runs it: a small young generation, two malloc arenas, and large blocks mapped
# and small ones trimmed (what a big query freed goes back to the system) keep an idle app
# process under 200 MB instead of 300 MB.
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=8 \
    MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=131072 \
    MALLOC_TRIM_THRESHOLD_=1048576 \
    DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/src ./src
COPY --from=build /app/build ./build
# The data directory holds the generated secret, mail files without SMTP and the SQLite database.
# It belongs to the unprivileged `node` user (uid 1000) that the app runs as, and so does the
# module compile cache (bin/guildhall.js), which the first start fills.
RUN mkdir -p /data node_modules/.cache/guildhall-compile \
 && chown node:node /data node_modules/.cache/guildhall-compile
USER node
VOLUME ["/data"]
EXPOSE 3000
# Liveness: the process answers HTTP. (/readyz also checks the database.)
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 3000}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# `start` migrates, then serves; SIGTERM (docker stop) finishes requests in flight and running jobs.
STOPSIGNAL SIGTERM
CMD ["node", "bin/guildhall.js", "start"]
