# syntax=docker/dockerfile:1
# Kubently executor image. Build from the repository root:
#   docker build -f deploy/docker/executor.Dockerfile -t kubently/executor:0.1.0 .
# Runs as UID 10001 with a read-only root filesystem (mount an emptyDir at /tmp: kubectl's private
# HOME and cache live under TMPDIR). In a pod kubectl uses the in-cluster ServiceAccount.
ARG NODE_IMAGE=node:22.21.1-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY . .
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm run build \
 && bash deploy/docker/bundle.sh executor /bundle

# kubectl pinned by version and checksum: the official static linux/amd64 release binary. The sha256 is
# that of the kubectl the testbed runs (testbed/build.sh: the same release, integrity-pinned). Bump
# the version and the checksum together; other architectures need their own checksum.
FROM ${NODE_IMAGE} AS kubectl
ARG KUBECTL_VERSION=v1.35.2
ARG KUBECTL_SHA256=924eb50779153f20cb668117d141440b95df2f325a64452d78dff9469145e277
ADD --chmod=0755 --checksum=sha256:${KUBECTL_SHA256} https://dl.k8s.io/release/${KUBECTL_VERSION}/bin/linux/amd64/kubectl /kubectl
RUN ["/kubectl", "version", "--client"]

FROM ${NODE_IMAGE}
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
ARG KUBECTL_VERSION=v1.35.2
LABEL org.opencontainers.image.title="kubently-executor" \
      org.opencontainers.image.description="Kubently executor: runs policy-checked read-only kubectl for one cluster over an outbound link" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://github.com/kubently/kubently" \
      dev.kubently.kubectl.version="${KUBECTL_VERSION}"
ENV NODE_ENV=production \
    KUBENTLY_KUBECTL=/usr/local/bin/kubectl \
    TMPDIR=/tmp
WORKDIR /app
COPY --from=kubectl /kubectl /usr/local/bin/kubectl
COPY --from=build /bundle /app
USER 10001:10001
ENTRYPOINT ["node", "/app/apps/executor/dist/main.js"]
