# One image for all seven apps; the command picks the app (see docker-compose.yml).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
# Every listener on all interfaces of the container; which ports are reachable from outside is the
# deployment's choice (publish or route only HTTP_PORT; INTERNAL_HTTP_PORT is for probes and Prometheus).
ENV NODE_ENV=production TZ=UTC HTTP_HOST=0.0.0.0 INTERNAL_HTTP_HOST=0.0.0.0 GRPC_HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/proto ./proto
COPY package.json ./
USER node
ENTRYPOINT ["node", "--enable-source-maps"]
