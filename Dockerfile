# Distill image: compiled JavaScript, production dependencies only. Run a role with
# `node dist/cli.js api|worker|all` (docker-compose.yml does); `api` and `worker` need DATABASE_URL.
# Node 22: an active LTS line (Node 20 left support in April 2026; the code still runs on 20.19).
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY console ./console
# The review console is built here: the image serves console/dist and carries no console sources.
RUN npm run build && npm run build:console && npm prune --omit=dev

FROM node:22-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/console/dist ./console/dist
COPY package.json ./
COPY migrations ./migrations
USER node
EXPOSE 3000
CMD ["node", "dist/cli.js", "all"]
