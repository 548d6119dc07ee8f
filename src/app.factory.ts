import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { INestApplication, LogLevel, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import express, { NextFunction, Request, Response } from 'express';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, getSchemaPath, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { acceptedTokens } from './api/admin-token.guard';
import { bodyGate } from './api/body-gate';
import { ProblemFilter } from './api/problem.filter';
import {
  cacheHeaders,
  EXPENSIVE_QUEUE_PER_CLIENT,
  expensiveConcurrency,
  rateLimits,
  readTimeout,
  securityHeaders,
} from './api/http-hardening';
import { AppModule } from './app.module';
import { REFERENCED_RESPONSE_MODELS } from './api/dto/responses/referenced-models';
import { ProblemDto } from './api/dto/responses/problem.responses';
import { PRICE_FILE_IMPORTERS } from './sources/importer-registry';
import { applyHeapGrowth } from './common/heap-growth';
import { AppConfig } from './config/app-config';
import { PrismaService } from './database/prisma.service';
import { StartupService } from './startup.service';

export const WEB_DIR = path.resolve(__dirname, '..', 'web');
// the paths of WEB_DIR the app serves
const DASHBOARD_FILES =
  /^\/(?:index\.html|dashboard\.css|dist\/dashboard\.js(?:\.map|\.LEGAL\.txt)?)?$/;

const LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];
export const logLevels = (level: AppConfig['logLevel']): LogLevel[] =>
  LEVELS.slice(0, LEVELS.indexOf(level) + 1);

// The shipped second country loads this long after the server listens (startup.service.ts).
const BACKGROUND_AFTER_MS = 3_000;

export function openApiDocument(app: INestApplication) {
  const config = new DocumentBuilder()
    .setTitle('North Korean market price tracker')
    .setDescription(
      'Market prices in North Korean cities (rice, exchange rates, ...) with full provenance, and the statistics that test whether prices converged as mobile phones spread. ' +
        'Prices are in current North Korean won (KPW); values before the 2009-11-30 redenomination are divided by 100. Credit Daily NK for its market survey. ' +
        'Public reads are rate-limited per client (RATE_LIMIT_PER_MINUTE, a smaller budget for /api/analysis/*): over it, 429 with Retry-After and RateLimit headers; /api/health is never limited. The statistics requests of one client are worked on one at a time (ANALYSIS_CONCURRENCY_PER_CLIENT), the rest wait their turn (beyond 32 waiting: 429); when the estimator queue is full, 503 with Retry-After. A read that takes longer than REQUEST_TIMEOUT_MS is a 503 naming it. ' +
        'Caching: every JSON answer has an ETag; send it back as If-None-Match and an unchanged answer is a 304 without a body; reads carry Cache-Control: no-cache (revalidate every time), health no-store. ' +
        'Compatibility: paths stay under /api; within this major version fields are only ever added, never renamed, removed or retyped; info.version rises with every change to the document; a breaking change would move to /api/v2 with /api kept for one major version.',
    )
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  // the shapes referenced inside oneOf and maps, which no decorator registers by itself
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: REFERENCED_RESPONSE_MODELS,
  });
  return withProblemResponses(document);
}

// Every operation's errors (400 bad input, 401/403 token, 404, 409 a run in progress, 413, 429,
// 503 busy or unavailable, 507 a full disk, 500) share one shape: RFC 9457 problem details.
function withProblemResponses(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths))
    for (const method of ['get', 'post', 'put', 'delete', 'patch'] as const) {
      const op = item[method];
      if (!op) continue;
      op.responses.default ??= {
        description:
          'An error, as application/problem+json (RFC 9457): type, title, status, detail (the sentence naming the problem), errors (each parameter at fault). 400 bad input, 401 or 403 token, 404, 409 a run in progress, 413 too large, 429 over a limit (with Retry-After), 503 busy or unavailable (with Retry-After), 507 a write refused on a full disk (reads go on), 500.',
        content: {
          'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } },
        },
      };
    }
  return document;
}

// Builds the HTTP application: schema migrated, reference data loaded, shipped archive ingested on
// an empty database, then (unless listen is false) serving. Used by main.ts and by the tests.
export async function createApp(
  config: AppConfig,
  opts: { listen?: boolean } = {},
): Promise<INestApplication> {
  applyHeapGrowth(config.heapGrowthPercent);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger: logLevels(config.logLevel),
    abortOnError: false,
    bodyParser: false,
  });
  app.set('trust proxy', config.api.trustProxyHops);
  app.use(securityHeaders());
  app.use(cacheHeaders());
  // cross-origin reads only from the origins configured (closed when CORS_ORIGINS is unset)
  if (config.api.corsOrigins.length)
    app.enableCors({ origin: config.api.corsOrigins, methods: ['GET', 'HEAD'], maxAge: 600 });
  for (const limit of rateLimits(config.api)) app.use(limit);
  app.use(readTimeout(config.api.requestTimeoutMs));
  // after the time limit, so that waiting for one's turn counts towards it
  app.use(
    expensiveConcurrency(config.api.analysisConcurrencyPerClient, EXPENSIVE_QUEUE_PER_CLIENT),
  );
  // No global body parser: each endpoint that takes a body reads it after its token check and
  // within its own cap (body-gate.ts).
  const tokens = () => acceptedTokens(config, app.get(PrismaService));
  const adminConfigured = !!config.adminToken;
  const json = ['application/json', 'application/geo+json'];
  app.use(
    '/api/ingestion/runs',
    bodyGate({
      name: 'a run request',
      tokens,
      adminConfigured,
      maxBytes: 16 * 1024,
      types: { json },
    }),
  );
  app.use(
    ['/api/coverage/towers/import', '/api/imports/towers'],
    bodyGate({
      name: 'a tower file',
      tokens,
      adminConfigured,
      maxBytes: config.maxImportBytes,
      types: { json, text: ['text/*', 'application/csv'] },
    }),
  );
  // a price file is read as a stream by its endpoint: the gate checks the token and the declared size
  for (const id of ['wfp', ...PRICE_FILE_IMPORTERS.map((i) => i.id)])
    app.use(
      `/api/imports/${id}`,
      bodyGate({
        name: 'a price file',
        tokens,
        adminConfigured,
        maxBytes: config.maxImportBytes,
        types: {},
      }),
    );
  app.use(
    '/api/imports/subscriptions',
    bodyGate({
      name: 'a subscriptions file',
      tokens,
      adminConfigured,
      maxBytes: config.maxImportBytes,
      types: { text: ['text/*', 'application/csv'] },
    }),
  );
  app.use(
    '/api/coverage/area-share',
    bodyGate({ name: 'an area polygon', maxBytes: config.maxPolygonBytes, types: { json } }),
  );
  try {
    await app.get(PrismaService).open();
    await app.get(StartupService).prepare({
      loadArchiveIfEmpty: config.loadArchiveOnEmpty,
      loadShippedCountries: config.loadShippedCountries,
      loadSampleTowersIfEmpty: config.coverage.loadSampleTowersOnEmpty,
      retryInBackground: true,
    });
  } catch (err) {
    await app.close();
    throw err;
  }
  app.setGlobalPrefix('api');
  // the dashboard: its page, its stylesheet and its bundle, over the public API; nothing else of
  // web/ (its TypeScript sources and build settings are not the app's to serve)
  const dashboard = express.static(WEB_DIR, { index: 'index.html' });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (DASHBOARD_FILES.test(req.path)) void dashboard(req, res, next);
    else next();
  });
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true, // an unknown query parameter is a 400, never silently ignored
      transform: true,
      stopAtFirstError: false,
    }),
  );
  app.useGlobalFilters(new ProblemFilter());
  app.enableShutdownHooks();
  // a factory: the document is built on the first request for it, not on every start
  SwaggerModule.setup('api/docs', app, () => openApiDocument(app), {
    jsonDocumentUrl: 'api/docs-json',
  });
  if (opts.listen !== false) await listenApp(app, config);
  app.get(StartupService).startBackground(opts.listen === false ? 0 : BACKGROUND_AFTER_MS);
  return app;
}

// Serves a built application on the configured port; the lock file records where, for the CLI.
export async function listenApp(
  app: INestApplication,
  config: Pick<AppConfig, 'port' | 'host'>,
): Promise<void> {
  await app.listen(config.port, config.host);
  const address = (app.getHttpServer() as Server).address() as AddressInfo;
  app.get(PrismaService).lock?.update({ port: address.port, host: '127.0.0.1' });
}
