import { availableParallelism } from 'node:os';
import path from 'node:path';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  validateSync,
} from 'class-validator';
import { readSourceSettings, SourceSettings } from '../sources/source-declaration';
import { SOURCE_DECLARATIONS } from '../sources/source-registry';
import { DomainError } from '../common/domain-error';

const toBool = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value; // left as a string so IsBoolean names the setting
};
const toFloat = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

// The environment the app reads. Every setting has a default except DATABASE_URL, whose absence
// selects the embedded PGlite database.
export class EnvironmentVariables {
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  @IsOptional()
  @IsString()
  HOST: string = '0.0.0.0';

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, {
    message:
      'DATABASE_URL must be a postgresql:// URL (leave it unset for the embedded PGlite database)',
  })
  DATABASE_URL?: string;

  @IsOptional()
  @IsString()
  DATA_DIR: string = '.data';

  // free space kept on the disk under the embedded database: below it, writes are refused (507)
  // before PGlite meets a full disk itself; 0 turns the check off
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  DISK_RESERVE_MB: number = 32;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  ENABLE_CRON: boolean = true;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  LOAD_ARCHIVE_ON_EMPTY: boolean = true;

  // the real second country shipped in data/ (WFP Bangladesh, WDI subscriptions), loaded by the
  // server in the background until its own import has succeeded once
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  LOAD_SHIPPED_COUNTRIES: boolean = true;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600000)
  HTTP_TIMEOUT_MS: number = 20000;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  HTTP_MAX_BODY_BYTES: number = 10 * 1024 * 1024;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600000)
  HTTP_MIN_INTERVAL_MS: number = 2000;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10)
  HTTP_RETRIES: number = 3;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600000)
  HTTP_RETRY_BASE_MS: number = 1000;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  HTTP_RESPECT_ROBOTS: boolean = true;

  @IsOptional()
  @IsString()
  CONTACT_URL: string = 'https://github.com/nk-market-tracker';

  @IsOptional()
  @IsString()
  ADMIN_TOKEN?: string;

  // price alerts: where new alerts are POSTed (none: no webhook), and the HMAC key that signs them
  @IsOptional()
  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'], require_protocol: true },
    { message: 'must be an http(s) URL' },
  )
  ALERT_WEBHOOK_URL?: string;

  @IsOptional()
  @IsString()
  ALERT_WEBHOOK_SECRET?: string;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(20)
  ALERT_WEBHOOK_RETRIES: number = 5;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  ALERT_WEBHOOK_RETRY_BASE_MS: number = 1000;

  @IsOptional()
  @Transform(toFloat)
  @IsNumber({}, { message: 'COVERAGE_RADIUS_KM must be a number of kilometres' })
  @Min(0.01)
  @Max(100)
  COVERAGE_RADIUS_KM: number = 5;

  @IsOptional()
  @Matches(/^\s*([A-Za-z0-9]+\s*=\s*\d+(\.\d+)?\s*)(,\s*[A-Za-z0-9]+\s*=\s*\d+(\.\d+)?\s*)*$/, {
    message: 'COVERAGE_RADIUS_BY_RADIO must look like GSM=5,UMTS=3,LTE=2 (kilometres)',
  })
  COVERAGE_RADIUS_BY_RADIO?: string;

  @IsOptional()
  @Transform(toFloat)
  @IsNumber({}, { message: 'COVERAGE_AREA_RADIUS_KM must be a number of kilometres' })
  @Min(0.1)
  @Max(500)
  COVERAGE_AREA_RADIUS_KM: number = 10;

  @IsOptional()
  @Transform(toFloat)
  @IsNumber({}, { message: 'TOWER_DEDUP_METERS must be a number of metres' })
  @Min(0)
  @Max(10000)
  TOWER_DEDUP_METERS: number = 100;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  LOAD_SAMPLE_TOWERS_ON_EMPTY: boolean = true;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  MAX_IMPORT_BYTES: number = 200 * 1024 * 1024;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  MAX_POLYGON_BYTES: number = 1024 * 1024;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  ANALYSIS_MAX_PAIRS: number = 5_000;

  // worker threads for the estimators (0: compute on the event loop); default: the cores but one
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(64)
  ANALYSIS_THREADS: number = Math.max(1, availableParallelism() - 1);

  // PGlite's shared_buffers: its buffer cache lives in the process's WebAssembly memory, so it is
  // resident memory of the app; PostgreSQL's default 128MB cost about 120 MiB more than 32MB at
  // start, for no import or read speed measured (BENCHMARKS.md). A PostgreSQL server keeps its own.
  @IsOptional()
  @Matches(/^[1-9][0-9]{0,5}(kB|MB|GB)$/, {
    message: 'must be a size such as 32MB (kB, MB or GB)',
  })
  PGLITE_SHARED_BUFFERS: string = '32MB';

  // How far the JavaScript heap may grow past what the last full collection kept, in per cent
  // (V8's --heap-growing-percent, set when the app is built); 0 keeps V8's own factor, which goes
  // up to 4 when a process allocates fast, as an import or a run of analyses does (a PGlite import
  // of 1M rows kept about 170 MiB of garbage beside a 60 MiB live set; a server on PostgreSQL
  // peaked at 1,058 MiB after the country-scale analyses, 603 MiB with 50). It cost the importer
  // on PostgreSQL about 10 % more CPU, within the spread of its rate (BENCHMARKS.md).
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(300)
  HEAP_GROWTH_PERCENT: number = 50;

  // estimator tasks that may wait for a worker; beyond them a request is a 503 with Retry-After
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  ANALYSIS_QUEUE: number = 64;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  LEASE_TTL_MS: number = 60_000;

  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, {
    message: 'INSTANCE_HOST must be 1-64 letters, digits, dots, dashes or underscores',
  })
  INSTANCE_HOST?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(3_600_000)
  STARTUP_RETRY_MS: number = 30_000;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(600_000)
  DATABASE_RETRY_MS: number = 1000;

  @IsOptional()
  @Matches(/^\s*(\*|https?:\/\/[^\s,]+)(\s*,\s*https?:\/\/[^\s,]+)*\s*$/, {
    message:
      'CORS_ORIGINS must be * or a comma-separated list of origins such as https://dash.example.org (unset: no cross-origin access)',
  })
  CORS_ORIGINS?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  RATE_LIMIT_PER_MINUTE: number = 600;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  RATE_LIMIT_ANALYSIS_PER_MINUTE: number = 60;

  // expensive requests (statistics, area shares) worked on at once per client (0: no limit)
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1000)
  ANALYSIS_CONCURRENCY_PER_CLIENT: number = 1;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  REQUEST_TIMEOUT_MS: number = 30_000;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10)
  TRUST_PROXY_HOPS: number = 0;

  @IsOptional()
  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';
}

export interface AppConfig {
  port: number;
  host: string;
  database:
    { kind: 'pglite'; dataDir: string; sharedBuffers: string } | { kind: 'postgres'; url: string };
  dataDir: string;
  // free space (MiB) every write needs on the disk under the embedded database (StorageGuard)
  diskReserveMiB: number;
  // V8's heap growing factor in per cent, 0 for V8's own (applyHeapGrowth)
  heapGrowthPercent: number;
  enableCron: boolean;
  loadArchiveOnEmpty: boolean;
  loadShippedCountries: boolean;
  http: {
    timeoutMs: number;
    maxBodyBytes: number;
    userAgent: string;
    minIntervalMs: number;
    retries: number;
    retryBaseMs: number;
    respectRobots: boolean;
  };
  adminToken?: string;
  alertWebhook: { url?: string; secret?: string; retries: number; retryBaseMs: number };
  logLevel: EnvironmentVariables['LOG_LEVEL'];
  leaseTtlMs: number;
  instanceHost?: string;
  maxImportBytes: number;
  maxPolygonBytes: number;
  analysisMaxPairs: number;
  // the estimators' worker threads (0: inline) and how many tasks may wait for one
  analysisThreads: number;
  analysisQueue: number;
  startupRetryMs: number;
  // the first wait before trying an unreachable PostgreSQL again at boot (doubling, up to 30 s)
  databaseRetryMs: number;
  // public reads: per-client rate limits (0: off), the time a read may take, who may call cross-origin
  api: {
    corsOrigins: string[] | '*';
    rateLimitPerMinute: number;
    analysisRateLimitPerMinute: number;
    analysisConcurrencyPerClient: number;
    requestTimeoutMs: number;
    trustProxyHops: number;
  };
  // each source's declared settings (src/sources/*/…source.ts), by source id
  sources: Record<string, SourceSettings>;
  coverage: {
    radiusKm: number;
    radiusByRadio: Record<string, number>;
    areaRadiusKm: number;
    dedupMeters: number;
    loadSampleTowersOnEmpty: boolean;
  };
}

export class ConfigError extends DomainError {
  constructor(readonly problems: string[]) {
    super('bad_input', `Invalid configuration:\n  - ${problems.join('\n  - ')}`, { errors: [] });
    this.name = 'ConfigError';
  }
}

// Reads and validates the environment; throws a ConfigError naming every bad setting.
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(new EnvironmentVariables())) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  if (env.DATABASE_URL) raw.DATABASE_URL = env.DATABASE_URL;
  if (env.ADMIN_TOKEN) raw.ADMIN_TOKEN = env.ADMIN_TOKEN;
  if (env.ALERT_WEBHOOK_URL) raw.ALERT_WEBHOOK_URL = env.ALERT_WEBHOOK_URL;
  if (env.ALERT_WEBHOOK_SECRET) raw.ALERT_WEBHOOK_SECRET = env.ALERT_WEBHOOK_SECRET;
  if (env.COVERAGE_RADIUS_BY_RADIO) raw.COVERAGE_RADIUS_BY_RADIO = env.COVERAGE_RADIUS_BY_RADIO;
  if (env.INSTANCE_HOST) raw.INSTANCE_HOST = env.INSTANCE_HOST;
  if (env.CORS_ORIGINS) raw.CORS_ORIGINS = env.CORS_ORIGINS;
  const vars = plainToInstance(EnvironmentVariables, raw);
  const problems = validateSync(vars, { skipMissingProperties: false }).flatMap((e) =>
    Object.values(e.constraints ?? {}).map((m) => `${e.property}: ${m}`),
  );
  const sources = readSourceSettings(SOURCE_DECLARATIONS, env);
  problems.push(...sources.problems);
  if (problems.length) throw new ConfigError(problems);

  const dataDir = path.resolve(vars.DATA_DIR);
  return {
    port: vars.PORT,
    host: vars.HOST,
    database: vars.DATABASE_URL
      ? { kind: 'postgres', url: vars.DATABASE_URL }
      : {
          kind: 'pglite',
          dataDir: path.join(dataDir, 'pglite'),
          sharedBuffers: vars.PGLITE_SHARED_BUFFERS,
        },
    dataDir,
    diskReserveMiB: vars.DISK_RESERVE_MB,
    heapGrowthPercent: vars.HEAP_GROWTH_PERCENT,
    enableCron: vars.ENABLE_CRON,
    loadArchiveOnEmpty: vars.LOAD_ARCHIVE_ON_EMPTY,
    loadShippedCountries: vars.LOAD_SHIPPED_COUNTRIES,
    http: {
      timeoutMs: vars.HTTP_TIMEOUT_MS,
      maxBodyBytes: vars.HTTP_MAX_BODY_BYTES,
      userAgent: `nk-market-tracker/0.1 (+${vars.CONTACT_URL})`,
      minIntervalMs: vars.HTTP_MIN_INTERVAL_MS,
      retries: vars.HTTP_RETRIES,
      retryBaseMs: vars.HTTP_RETRY_BASE_MS,
      respectRobots: vars.HTTP_RESPECT_ROBOTS,
    },
    adminToken: vars.ADMIN_TOKEN,
    alertWebhook: {
      url: vars.ALERT_WEBHOOK_URL,
      secret: vars.ALERT_WEBHOOK_SECRET,
      retries: vars.ALERT_WEBHOOK_RETRIES,
      retryBaseMs: vars.ALERT_WEBHOOK_RETRY_BASE_MS,
    },
    logLevel: vars.LOG_LEVEL,
    leaseTtlMs: vars.LEASE_TTL_MS,
    maxImportBytes: vars.MAX_IMPORT_BYTES,
    analysisMaxPairs: vars.ANALYSIS_MAX_PAIRS,
    analysisThreads: vars.ANALYSIS_THREADS,
    analysisQueue: vars.ANALYSIS_QUEUE,
    maxPolygonBytes: vars.MAX_POLYGON_BYTES,
    instanceHost: vars.INSTANCE_HOST,
    startupRetryMs: vars.STARTUP_RETRY_MS,
    databaseRetryMs: vars.DATABASE_RETRY_MS,
    api: {
      corsOrigins:
        vars.CORS_ORIGINS?.trim() === '*'
          ? '*'
          : (vars.CORS_ORIGINS ?? '')
              .split(',')
              .map((o) => o.trim())
              .filter(Boolean),
      rateLimitPerMinute: vars.RATE_LIMIT_PER_MINUTE,
      analysisRateLimitPerMinute: vars.RATE_LIMIT_ANALYSIS_PER_MINUTE,
      analysisConcurrencyPerClient: vars.ANALYSIS_CONCURRENCY_PER_CLIENT,
      requestTimeoutMs: vars.REQUEST_TIMEOUT_MS,
      trustProxyHops: vars.TRUST_PROXY_HOPS,
    },
    sources: sources.values,
    coverage: {
      radiusKm: vars.COVERAGE_RADIUS_KM,
      radiusByRadio: Object.fromEntries(
        (vars.COVERAGE_RADIUS_BY_RADIO ?? '')
          .split(',')
          .filter((p) => p.includes('='))
          .map((p) => p.split('=').map((x) => x.trim()))
          .map(([k, v]) => [k.toUpperCase(), Number(v)]),
      ),
      areaRadiusKm: vars.COVERAGE_AREA_RADIUS_KM,
      dedupMeters: vars.TOWER_DEDUP_METERS,
      loadSampleTowersOnEmpty: vars.LOAD_SAMPLE_TOWERS_ON_EMPTY,
    },
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
