# The operator image: `payloadctl operator` on Node.js 24 (LTS), non-root, and nothing else.
#
#   docker build -t quay.io/okd/okd-payload-operator:v0.1.0 \
#     --build-arg VERSION=0.1.0 --build-arg REVISION=$(git rev-parse HEAD) .
#   kubectl apply -f deploy/install.yaml
#
# What goes in holds by construction, not by deleting: `npm run build` compiles only the import graph
# of src/cli/payloadctl.ts (tsconfig.build.json; the dev cluster, the simulated builds and the demo
# are outside it), and `npm ci --omit=dev` installs only the production dependencies (the dev
# cluster's ajv, @bufbuild/cel, fast-json-patch are devDependencies).
# test/integration/image/operator-image.test.ts builds this file with buildah and checks the result.
#
# The base images are arguments so a build can use a mirror (the test passes a locally made one).

ARG NODE_IMAGE=docker.io/library/node:24-bookworm-slim
ARG NODE_RUNTIME_IMAGE=docker.io/library/node:24-bookworm-slim

# 1. Compile the TypeScript (dev dependencies needed; no install scripts: only tsc runs here).
FROM ${NODE_IMAGE} AS build
# npm settings npm reads from the environment, e.g. --build-arg NPM_CONFIG_REGISTRY=https://mirror/
# (the test builds with NPM_CONFIG_OFFLINE=true and the host's npm cache mounted at /root/.npm).
ARG NPM_CONFIG_REGISTRY
ARG NPM_CONFIG_OFFLINE
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# 2. The production dependencies only.
FROM ${NODE_IMAGE} AS production-dependencies
ARG NPM_CONFIG_REGISTRY
ARG NPM_CONFIG_OFFLINE
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# 3. The application tree as the runtime gets it: group 0 gets the owner's permissions (g=u), so
#    any UID OpenShift's restricted SCC picks (always with group 0) can read and run it.
FROM ${NODE_IMAGE} AS layout
WORKDIR /out/app
COPY package.json ./
COPY --from=production-dependencies /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
RUN chmod 0755 dist/src/cli/payloadctl.js && chmod -R g=u /out/app

# 4. The runtime: Node.js, dist/ and the production node_modules.
FROM ${NODE_RUNTIME_IMAGE}
ARG VERSION=0.0.0-dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="okd-payload-operator" \
      org.opencontainers.image.description="Kubernetes operator that builds OKD release payloads" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="https://github.com/okd-project/okd-payload-operator" \
      org.opencontainers.image.url="https://github.com/okd-project/okd-payload-operator" \
      org.opencontainers.image.documentation="https://github.com/okd-project/okd-payload-operator#install-on-a-cluster" \
      org.opencontainers.image.vendor="OKD" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=layout --chown=65532:0 /out/ /
RUN ln -s /app/dist/src/cli/payloadctl.js /usr/local/bin/payloadctl
ENV NODE_ENV=production
# V8 heap sizing (src/install/operator-heap.ts says why and how it was measured): without it V8 grows
# the heap to 250+ MiB between collections of watch-event garbage; capped, the operator's peak RSS
# stays under 200 MiB. Raising the Deployment's memory limit for larger payloads? Raise these too
# (set NODE_OPTIONS in the container's env).
ENV NODE_OPTIONS="--max-old-space-size=128 --max-semi-space-size=4"
# Two glibc malloc arenas instead of up to 8 per core: 16 MiB less resident at the peak (operator-heap.ts).
ENV MALLOC_ARENA_MAX=2
WORKDIR /app
# 65532: the conventional "nonroot" uid (distroless, kubebuilder), numeric so runAsNonRoot can verify
# it; group 0 as OpenShift runs an arbitrary UID. Nothing is written to the file system.
USER 65532:0
EXPOSE 8080
ENTRYPOINT ["payloadctl", "operator"]
CMD ["--leader-elect", "--metrics-addr=:8080"]
