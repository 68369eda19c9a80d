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
# glibc maps blocks of 64 KiB and more on their own, returned when freed (docs/suite.md, "Memory").
ENV MALLOC_MMAP_THRESHOLD_=65536
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY models models
# The lake volume starts as a copy of this folder, so it is the node user's to write.
RUN mkdir -p /data/lake && chown node:node /data/lake
USER node
CMD ["node", "dist/apps/ingest/src/main.js"]
