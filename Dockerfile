# The service's image: one image for every process of docker-compose.yml (API replicas and the
# projector differ only in their command and KB_ROLES). Built from this repository:
#   docker build -t failure-knowledge-base .
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles its native module when no prebuilt binary fits.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
# `npm run build` builds every entry under dist/ (the API's and the projector's), then the dev
# dependencies go.
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/data
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# DATA_DIR (the embedded event store and SQLite read models, when EVENTSTORE_URL and DATABASE_URL
# are unset) must be the service user's: a named volume mounted on /data starts as a copy of this
# directory, owner and mode included. Made before USER, while the build still runs as root.
RUN mkdir -p /data && chown node:node /data && chmod 0700 /data
USER node
EXPOSE 3000
# Ready = the process can serve (stores reachable, projections started). The slim image has no curl:
# Node's own fetch asks. Every process answers it, the projector too.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/apps/api/src/main.js"]
