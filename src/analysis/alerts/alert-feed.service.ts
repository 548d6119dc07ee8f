import { createHmac } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
  OnModuleInit,
} from '@nestjs/common';
import { FinishedRun, RunEvents } from '../../common/run-events';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { PrismaService } from '../../database/prisma.service';
import { displayNames, marketPoint } from '../panel.service';
import { AlertsService } from './alerts.service';
import { ALPS_SEVERITY } from './price-alerts';

// The feed for teams: when a run that wrote prices ends, each series it touched is assessed at its
// last month, and every market in stress or worse is recorded in the delivery ledger (its key is
// the market, series, month and class: an alert is recorded once, so never sent twice). Then every
// undelivered alert goes to ALERT_WEBHOOK_URL in one JSON POST, signed with an HMAC-SHA256 of the
// body (header X-Alert-Signature: sha256=<hex>, key ALERT_WEBHOOK_SECRET), retried with exponential
// backoff on a network error or a non-2xx answer; a batch still failing stays undelivered and goes
// with the next one (or at the next start). A sender claims its rows first, so two replicas never
// both send one. GET /api/alerts.atom lists the ledger for people.

export const ALERT_SIGNATURE_HEADER = 'x-alert-signature';
const CLAIM_MS = 5 * 60_000; // a claim older than this is a dead sender's: taken over
const BATCH = 500;

export const signatureOf = (body: string, secret: string): string =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

@Injectable()
export class AlertFeedService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AlertFeedService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly alerts: AlertsService,
    private readonly events: RunEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.events.on((run) => this.afterRun(run));
  }

  // alerts a crash or an unreachable endpoint left undelivered go out after a start
  onApplicationBootstrap(): void {
    if (this.config.alertWebhook.url)
      void this.deliver().catch((err: Error) => this.logger.warn(err.message));
  }

  async onModuleDestroy(): Promise<void> {
    await this.events.settle();
  }

  async afterRun(run: FinishedRun): Promise<void> {
    if (!['succeeded', 'partial'].includes(run.status)) return;
    if (run.rowsInserted + run.rowsUpdated === 0) return;
    try {
      const recorded = await this.record(run.id, run.countries);
      if (recorded && this.config.alertWebhook.url) await this.deliver();
    } catch (err) {
      this.logger.warn(`price alerts after run ${run.id}: ${(err as Error).message}`);
    }
  }

  // The run's series assessed now; new alerts (stress or worse) recorded. Returns how many. With
  // the run's countries, only their rows are read for its series (the key's index leads by the
  // country; run_id has no index: the whole table was read after every import).
  async record(runId: number, countries?: string[]): Promise<number> {
    const series = await this.prisma.$queryRawUnsafe<
      { country: string; commodity: string; unit: string; priceType: string; currency: string }[]
    >(
      `SELECT DISTINCT country, commodity_id AS commodity, unit, price_type AS "priceType", currency
       FROM observation WHERE run_id = $1${countries ? ' AND country = ANY($2::text[])' : ''}`,
      runId,
      ...(countries ? [countries] : []),
    );
    const byCountry = new Map<string, typeof series>();
    for (const s of series) byCountry.set(s.country, [...(byCountry.get(s.country) ?? []), s]);
    let recorded = 0;
    for (const [country, keys] of byCountry)
      for (const { series: s, markets } of await this.alerts.latestOf(country, keys)) {
        for (const m of markets) {
          if (!m.alps || ALPS_SEVERITY[m.alps.class] < ALPS_SEVERITY.stress) continue;
          recorded += await this.prisma.$executeRawUnsafe(
            `INSERT INTO alert_delivery (country, commodity_id, unit, price_type, currency, market_id,
                                         month, alps_class, alps, price, run_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (country, commodity_id, unit, price_type, currency, market_id, month, alps_class)
             DO NOTHING`,
            s.country,
            s.commodity,
            s.unit,
            s.priceType,
            s.currency,
            m.market,
            m.monthAssessed,
            m.alps.class,
            m.alps.value,
            m.price,
            runId,
          );
        }
      }
    return recorded;
  }

  // Every undelivered alert, claimed, then POSTed in batches; returns how many were delivered.
  async deliver(): Promise<number> {
    const { url, secret, retries, retryBaseMs } = this.config.alertWebhook;
    if (!url) return 0;
    let delivered = 0;
    for (;;) {
      const rows = await this.prisma.$queryRawUnsafe<(NamedAlert & Record<string, unknown>)[]>(
        `UPDATE alert_delivery SET claimed_at = now()
         WHERE id IN (SELECT id FROM alert_delivery
                      WHERE delivered_at IS NULL
                        AND (claimed_at IS NULL OR claimed_at < now() - $1 * interval '1 millisecond')
                      ORDER BY id LIMIT $2)
         RETURNING id, country, commodity_id AS commodity, unit, price_type AS "priceType", currency,
                   market_id AS market, month, alps_class AS "class", alps, price`,
        CLAIM_MS,
        BATCH,
      );
      if (!rows.length) return delivered;
      rows.sort((a, b) => Number(a.id) - Number(b.id));
      const ids = rows.map((r) => Number(r.id));
      const body = JSON.stringify({
        type: 'price-alerts',
        sentAt: new Date().toISOString(),
        alerts: await this.named(rows.map(({ id, ...r }) => ({ id: Number(id), ...r }))),
      });
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (secret) headers[ALERT_SIGNATURE_HEADER] = signatureOf(body, secret);
      let error = '';
      let attempts = 0;
      for (; attempts <= retries; attempts++) {
        if (attempts > 0) {
          const wait = retryBaseMs * 2 ** (attempts - 1);
          await new Promise((r) => setTimeout(r, wait / 2 + Math.random() * (wait / 2)));
        }
        try {
          const res = await fetch(url, {
            method: 'POST',
            headers,
            body,
            signal: AbortSignal.timeout(10_000),
          });
          if (res.ok) {
            error = '';
            break;
          }
          error = `HTTP ${res.status}`;
        } catch (err) {
          error = (err as Error).message;
        }
      }
      const ok = error === '';
      await this.prisma.$executeRawUnsafe(
        `UPDATE alert_delivery SET attempts = attempts + $2::int, claimed_at = NULL,
                delivered_at = CASE WHEN $3::boolean THEN now() END, last_error = $4::text
         WHERE id = ANY($1::int[])`,
        ids,
        Math.min(attempts + 1, retries + 1),
        ok,
        ok ? null : error,
      );
      if (!ok) {
        this.logger.warn(`price alerts: ${ids.length} not delivered to ${url} (${error})`);
        return delivered;
      }
      delivered += ids.length;
    }
  }

  // The latest alerts of the ledger, newest first (the Atom feed), with the markets' and
  // commodities' names.
  async latest(limit = 100) {
    const rows = await this.prisma.alertDelivery.findMany({ orderBy: { id: 'desc' }, take: limit });
    const names = await this.named(
      rows.map((r) => ({ country: r.country, market: r.marketId, commodity: r.commodityId })),
    );
    return rows.map((r, i) => ({
      ...r,
      marketName: names[i].marketName,
      commodityName: names[i].commodityName,
    }));
  }

  // Each alert with its market's display name (as in the alerts table: a name two markets of a
  // country share gets the province, or the id) and its commodity's name; an id with no row
  // (a market since deleted) is its own name.
  private async named<T extends NamedAlert>(
    alerts: T[],
  ): Promise<(T & { marketName: string; commodityName: string })[]> {
    const countries = [...new Set(alerts.map((a) => a.country))];
    const markets = new Map<string, Map<string, string>>();
    for (const country of countries) {
      const rows = await this.prisma.market.findMany({ where: { country } });
      markets.set(country, displayNames(rows.map(marketPoint)));
    }
    const commodities = new Map(
      (
        await this.prisma.commodity.findMany({
          where: { id: { in: [...new Set(alerts.map((a) => a.commodity))] } },
          select: { id: true, name: true },
        })
      ).map((c) => [c.id, c.name]),
    );
    return alerts.map((a) => ({
      ...a,
      marketName: markets.get(a.country)?.get(a.market) ?? a.market,
      commodityName: commodities.get(a.commodity) ?? a.commodity,
    }));
  }
}

interface NamedAlert {
  country: string;
  market: string;
  commodity: string;
}
