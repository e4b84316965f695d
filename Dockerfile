# The operator image: `payloadctl operator` on Node.js 24, non-root.
#
#   docker build -t quay.io/okd/okd-payload-operator:v0.1.0 .
#   kubectl apply -f deploy/install.yaml
#
# Stage 1 compiles the TypeScript (dev dependencies needed), stage 2 installs the production
# dependencies only, stage 3 is the runtime: dist/ + production node_modules, nothing else.

ARG NODE_IMAGE=docker.io/library/node:24-bookworm
ARG NODE_RUNTIME_IMAGE=docker.io/library/node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# the postinstall: checks the packages' engines against the pinned Node
COPY scripts/pinned-node.mjs ./scripts/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS production-dependencies
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_RUNTIME_IMAGE}
LABEL org.opencontainers.image.title="okd-payload-operator" \
      org.opencontainers.image.description="Kubernetes operator that builds OKD release payloads" \
      org.opencontainers.image.source="https://github.com/okd-project/okd-payload-operator" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV NODE_ENV=production
WORKDIR /app
COPY --from=production-dependencies /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
RUN ln -s /app/dist/src/cli/payloadctl.js /usr/local/bin/payloadctl && chmod 0755 /app/dist/src/cli/payloadctl.js
# 65532: the conventional "nonroot" uid/gid (distroless, kubebuilder); numeric so runAsNonRoot can verify it.
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["node", "/app/dist/src/cli/payloadctl.js", "operator"]
CMD ["--leader-elect", "--metrics-addr=:8080"]
