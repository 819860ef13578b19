# Image for the three services (and the migration step) of infra/docker-compose.yml.
# UNTESTED: written on a machine without a Docker engine. Build context = repo root:
#   docker build -f infra/services.Dockerfile -t fileflow-services ..
FROM node:24-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY common/package.json common/
COPY db/package.json db/
COPY api/package.json api/
COPY outbox-relay/package.json outbox-relay/
COPY file-processor/package.json file-processor/
COPY infra/package.json infra/
# npm ci applies patches/ (postinstall: patch-package)
COPY patches/ patches/
COPY lab/package.json lab/
# tsx (a devDependency) runs the TypeScript sources directly
RUN npm ci --no-audit --no-fund
COPY . .
ENV NODE_ENV=production HOST=0.0.0.0
CMD ["npx", "tsx", "api/src/main.ts"]
