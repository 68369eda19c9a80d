# One image for the five services; docker-compose.yml picks each one's entry point.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps apps
COPY libs libs
# scripts/build.sh's compile, without its local-machine setup (Node 22 and the packages are here already).
RUN npx nest build && npm prune --omit=dev

FROM node:22-bookworm-slim
ENV NODE_ENV=production
# jemalloc for every process but ingest, which sets glibc's back (docs/suite.md, "Memory").
RUN apt-get update && apt-get install -y --no-install-recommends libjemalloc2 && rm -rf /var/lib/apt/lists/*
ENV LD_PRELOAD=libjemalloc.so.2
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY models models
# The lake volume starts as a copy of this folder, so it is the node user's to write.
RUN mkdir -p /data/lake && chown node:node /data/lake
USER node
CMD ["node", "dist/apps/ingest/src/main.js"]
