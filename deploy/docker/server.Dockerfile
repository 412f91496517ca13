# syntax=docker/dockerfile:1
# Kubently server image. Build from the repository root:
#   docker build -f deploy/docker/server.Dockerfile -t kubently/server:0.1.0 .
# Runs as UID 10001 with a read-only root filesystem (mount an emptyDir at /tmp).
ARG NODE_IMAGE=node:22.21.1-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY . .
# Full install to compile, then the production bundle: the app's dist, its workspace packages'
# dist, and node_modules with production dependencies only (deploy/docker/bundle.sh).
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm run build \
 && bash deploy/docker/bundle.sh server /bundle

FROM ${NODE_IMAGE}
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="kubently-server" \
      org.opencontainers.image.description="Kubently server: REST, A2A and MCP API relaying read-only kubectl to per-cluster executors" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://github.com/kubently/kubently"
ENV NODE_ENV=production \
    KUBENTLY_HOST=0.0.0.0 \
    KUBENTLY_PORT=8080 \
    TMPDIR=/tmp
WORKDIR /app
# Owned by root and not writable by the runtime user: the app never writes to its own files.
COPY --from=build /bundle /app
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.KUBENTLY_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "/app/apps/server/dist/main.js"]
