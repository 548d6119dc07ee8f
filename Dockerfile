# The app as a container: Node 20, the project's own install (Prisma generated offline, TypeScript
# built by the postinstall), served by node dist/main.js. DATABASE_URL selects PostgreSQL; without it
# the embedded PGlite database lives in /data (mount a volume there).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts tsconfig.json nest-cli.json ./
COPY scripts ./scripts
COPY src ./src
COPY data ./data
COPY web ./web
RUN npm ci --no-audit --no-fund && npm prune --omit=dev
ENV NODE_ENV=production DATA_DIR=/data PORT=3000 HOST=0.0.0.0
EXPOSE 3000
CMD ["node", "dist/main.js"]
