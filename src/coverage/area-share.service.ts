import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { Piscina } from 'piscina';
import { BusyError } from '../common/busy.error';
import { CatalogueService } from '../prices/catalogue.service';
import { AreaFeature, circleArea, ShareStep, towersNear } from './area-coverage';
import { AREA_LIMITS, AreaInputError } from './area-validation';
import { CoverageService } from './coverage.service';
import type { ShareTask } from './geometry.worker';

// The compiled worker beside this file; under ts-jest (src/*.ts) the build's copy in dist/.
function workerFile(): string {
  const here = path.join(__dirname, 'geometry.worker.js');
  return existsSync(here)
    ? here
    : path.resolve(__dirname, '..', '..', 'dist', 'coverage', 'geometry.worker.js');
}

export class GeometryBusyError extends BusyError {
  constructor(
    retryAfterSeconds: number,
    message = `area shares are being computed for other requests (at most ${AREA_QUEUE} waiting); try again in ${retryAfterSeconds} s`,
  ) {
    super(retryAfterSeconds, message);
    this.name = 'GeometryBusyError';
  }
}

const AREA_QUEUE = 8;
const AREA_TIMEOUT_MS = 60_000;

// Covered shares of areas over time. The polygon work runs in one worker thread (the event loop
// keeps answering everything else), is bounded (AREA_LIMITS: vertices, towers, radius; a full
// queue is a 503 with Retry-After; a task over AREA_TIMEOUT_MS is aborted), and each answer is
// cached by the tower set's version and the area's geometry.
@Injectable()
export class AreaShareService implements OnModuleDestroy {
  private pool?: Piscina<ShareTask, ShareStep[]>;
  private readonly cache = new LRUCache<string, ShareStep[]>({ max: 256 });
  computed = 0; // areas computed by the worker (the rest came from the cache)

  constructor(
    private readonly coverage: CoverageService,
    private readonly catalogue: CatalogueService,
  ) {}

  private workers(): Piscina<ShareTask, ShareStep[]> {
    this.pool ??= new Piscina<ShareTask, ShareStep[]>({
      filename: workerFile(),
      minThreads: 0,
      maxThreads: 1,
      maxQueue: AREA_QUEUE,
      idleTimeout: 30_000,
    });
    return this.pool;
  }

  async steps(target: AreaFeature): Promise<ShareStep[]> {
    const policy = this.coverage.policy;
    const key = `${await this.coverage.version()}|${createHash('sha256')
      .update(JSON.stringify([target.geometry, policy]))
      .digest('hex')}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const near = towersNear(target, await this.coverage.towers(), policy);
    if (near.length > AREA_LIMITS.towers)
      throw new AreaInputError(
        `body: ${near.length} towers can reach this area; at most ${AREA_LIMITS.towers} per request (split the area)`,
      );
    const pool = this.workers();
    if (pool.queueSize >= AREA_QUEUE) throw new GeometryBusyError(5);
    const steps = await pool
      .run(
        {
          target,
          towers: near.map((t) => ({
            id: t.id,
            latitude: t.latitude,
            longitude: t.longitude,
            radio: t.radio,
            firstSeen: t.firstSeen,
          })),
          policy,
        },
        { signal: AbortSignal.timeout(AREA_TIMEOUT_MS) },
      )
      .catch((err: Error) => {
        if (err.name === 'AbortError' || err.name === 'TimeoutError')
          throw new GeometryBusyError(
            30,
            `the area took longer than ${AREA_TIMEOUT_MS / 1000} s and was stopped; try a smaller area`,
          );
        if (/queue is at limit/i.test(err.message)) throw new GeometryBusyError(5);
        throw err;
      });
    this.computed++;
    this.cache.set(key, steps);
    return steps;
  }

  // The circle of radiusKm around a market (undefined: no such market, or it has no point).
  async marketSteps(marketId: string, radiusKm: number): Promise<ShareStep[] | undefined> {
    if (radiusKm > AREA_LIMITS.marketRadiusKm)
      throw new AreaInputError(
        `radiusKm: at most ${AREA_LIMITS.marketRadiusKm} km (for a larger area, POST its polygon to /api/coverage/area-share)`,
      );
    const market = (await this.catalogue.listMarkets()).find((m) => m.id === marketId);
    if (!market || market.latitude === null || market.longitude === null) return undefined;
    return this.steps(circleArea(market.latitude, market.longitude, radiusKm));
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool?.destroy();
  }
}
