# syntax=docker/dockerfile:1.7
# Multi-stage: compile with the dev dependencies, ship dist/ with the production dependencies only.
# Node 24 (LTS); CI runs the e2e and system suites on the same version (.ci/run).
ARG NODE_IMAGE=node:24.22.3-bookworm-slim
ARG NGINX_IMAGE=nginx:1.28-alpine

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json .swcrc ./
COPY scripts ./scripts
COPY src ./src
COPY migrations ./migrations
COPY dashboard ./dashboard
RUN npm run build

# The embedded PostgreSQL (an optional dependency, ~60 MB of binaries) is for `npm start` on a
# laptop; the image always runs against DATABASE_URL, so it installs without optional packages.
FROM ${NODE_IMAGE} AS runtime-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund && npm cache clean --force

# The compose file's nginx (`target: web`): the dashboard build and the config template baked in,
# so the proxy serves the dashboard on a host that never built it. The nginx image renders
# /etc/nginx/templates/*.template with its envsubst step at start.
FROM ${NGINX_IMAGE} AS web
COPY --from=build /app/dashboard/dist /usr/share/nginx/html
COPY nginx.conf.template /etc/nginx/templates/nginx.conf.template

# The API (the default target: the last stage).
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    API_HOST=0.0.0.0 \
    API_PORT=8000
WORKDIR /app
COPY --from=runtime-deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/dist ./dist
# The dashboard's static build, served by the API at /dashboard.
COPY --from=build --chown=node:node /app/dashboard/dist ./dashboard/dist
# `docker compose exec api npm run cli -- <command>` (or `node dist/cli.js <command>`): the CLI
# runs dist/ here, as there are no sources to build.
COPY --chown=node:node scripts/cli.js ./scripts/cli.js
# The image's non-root user.
USER node
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "require('http').get('http://127.0.0.1:'+(process.env.API_PORT||8000)+'/health',r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
