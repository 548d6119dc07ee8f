import { Injectable } from '@nestjs/common';
import { BadInputError, DomainError } from '../../common/domain-error';
import { CatalogueService } from '../../prices/catalogue.service';
import { DataVersionService } from '../../prices/data-version.service';
import { MarketMonthlySeries, PricesService } from '../../prices/prices.service';
import { ReferenceIdsService } from '../../prices/reference-ids.service';
import { AnalysisCache } from '../analysis-cache';
import { DEFAULT_COUNTRY } from '../events';
import { displayNames, marketPoint, PanelService } from '../panel.service';
import {
  ALPS_SEVERITY,
  AlpsClass,
  alpsAt,
  alpsFit,
  AlpsValue,
  Eligibility,
  eligibility,
  ifpaAt,
  IfpaValue,
  MonthlyPrices,
  monthName,
  monthNumber,
  upTo,
} from './price-alerts';

export interface AlertsRequest {
  country?: string;
  commodity: string;
  unit?: string;
  priceType?: string;
  currency?: string;
  asOf?: string; // YYYY-MM or YYYY-MM-DD: assess as of that month
}

export interface MarketAlert {
  market: string;
  name: string;
  monthAssessed: string | null; // the market's last month with a value, at or before asOf
  price: number | null;
  eligibility: Eligibility;
  alps: AlpsValue | null;
  ifpa: IfpaValue | null;
  ifpaReason?: string;
}

export interface SeriesAlerts {
  country: string;
  commodity: string;
  unit: string;
  priceType: string;
  currency: string;
  asOf: string; // the month assessed for the series (asOf, or the series' last month)
  markets: MarketAlert[]; // by severity: crisis first, then ALPS value; ineligible last
  credits: { source: string; credit: string }[];
}

const severity = (a: MarketAlert) => (a.alps ? ALPS_SEVERITY[a.alps.class] : -1);

// One market's alerts as of a month, from its monthly prices (pure).
export function marketAlert(
  market: string,
  name: string,
  series: MonthlyPrices,
  asOf: number,
): MarketAlert {
  const known = upTo(series, asOf);
  const n = known.t.length;
  const last = n ? known.t[n - 1] : undefined;
  const elig = eligibility(known, asOf);
  const base = {
    market,
    name,
    monthAssessed: last !== undefined ? monthName(last) : null,
    price: last !== undefined ? known.price[n - 1] : null,
    eligibility: elig,
  };
  if (!elig.eligible || last === undefined) return { ...base, alps: null, ifpa: null };
  const ifpa = ifpaAt(known, last);
  return {
    ...base,
    alps: alpsAt(known, last),
    ifpa: 'value' in ifpa ? ifpa.value : null,
    ...('reason' in ifpa ? { ifpaReason: ifpa.reason } : {}),
  };
}

export function sortBySeverity(markets: MarketAlert[]): MarketAlert[] {
  return [...markets].sort(
    (a, b) =>
      severity(b) - severity(a) ||
      (b.alps?.value ?? -Infinity) - (a.alps?.value ?? -Infinity) ||
      a.name.localeCompare(b.name),
  );
}

// The series' last month.
function lastMonth(s: MarketMonthlySeries): number {
  let last = -Infinity;
  for (const m of s.markets) if (m.t[m.t.length - 1] > last) last = m.t[m.t.length - 1];
  return last;
}

// Every market of a series assessed at the series' last month (markets named by their ids).
function atLastMonth(s: MarketMonthlySeries): { last: number; alerts: MarketAlert[] } {
  const last = lastMonth(s);
  return { last, alerts: s.markets.map((m) => marketAlert(m.market, m.market, m, last)) };
}

// WFP's Alert for Price Spikes and FAO's Indicator of Food Price Anomalies for every market of a
// series, as of any month: the series is read once (monthly means, cities only, no forecasts) and
// handed to the pure functions of price-alerts.ts.
@Injectable()
export class AlertsService {
  constructor(
    private readonly prices: PricesService,
    private readonly catalogue: CatalogueService,
    private readonly ids: ReferenceIdsService,
    private readonly panels: PanelService,
    private readonly versions: DataVersionService,
    private readonly cache: AnalysisCache,
  ) {}

  private async seriesFor(
    q: AlertsRequest,
  ): Promise<{ s: MarketMonthlySeries; asOf: number | null }> {
    const country = q.country ?? DEFAULT_COUNTRY;
    await this.ids.assertKnown('country', 'country', [country]);
    await this.ids.assertKnown('commodity', 'commodity', [q.commodity]);
    const asOf = q.asOf ? monthNumber(q.asOf) : null;
    const chosen = await this.panels.seriesOf(
      q.commodity,
      country,
      q.unit,
      q.priceType,
      q.currency,
    );
    const all = await this.prices.marketMonthlySeries({
      countries: [country],
      commodities: [q.commodity],
    });
    const s = all.find(
      (x) =>
        x.unit === chosen.unit &&
        x.priceType === chosen.priceType &&
        x.currency === chosen.currency,
    );
    if (!s)
      throw new BadInputError(
        `commodity: no city market has a price of ${q.commodity} in ${country}${chosen.unit ? ` (${chosen.unit}, ${chosen.priceType})` : ''}`,
      );
    return { s, asOf };
  }

  async alerts(q: AlertsRequest): Promise<SeriesAlerts> {
    const version = await this.versions.current();
    return this.cache.get(['alerts', version, q], async () => {
      const { s, asOf } = await this.seriesFor(q);
      const last = lastMonth(s);
      const at = asOf ?? last;
      const names = displayNames((await this.catalogue.listMarkets(s.country)).map(marketPoint));
      return {
        country: s.country,
        commodity: s.commodity,
        unit: s.unit,
        priceType: s.priceType,
        currency: s.currency,
        asOf: monthName(at),
        markets: sortBySeverity(
          s.markets.map((m) => marketAlert(m.market, names.get(m.market) ?? m.market, m, at)),
        ),
        credits: await this.catalogue.sourceCredits(s.sources),
      };
    });
  }

  // One market's monthly prices with the ALPS trend and bands of the fit as of asOf (the months up
  // to it), each month's ALPS against that fit, and each month's IFPA from the months up to it.
  async history(q: AlertsRequest & { market: string }) {
    const version = await this.versions.current();
    return this.cache.get(['alerts-history', version, q], async () => {
      await this.ids.assertKnown('market', 'market', [q.market]);
      const { s, asOf } = await this.seriesFor(q);
      const series = s.markets.find((m) => m.market === q.market);
      if (!series)
        throw new DomainError(
          'not_found',
          `market: ${q.market} has no price of ${s.commodity} (${s.unit}, ${s.priceType}, ${s.currency})`,
        );
      const at = asOf ?? series.t[series.t.length - 1];
      const known = upTo(series, at);
      const fit = alpsFit(known);
      return {
        country: s.country,
        market: q.market,
        commodity: s.commodity,
        unit: s.unit,
        priceType: s.priceType,
        currency: s.currency,
        asOf: monthName(at),
        eligibility: eligibility(known, at),
        sigma: fit?.sigma ?? null,
        months: Array.from(known.t, (t, i) => {
          const price = known.price[i];
          const trend = fit ? fit.trendAt(t) : null;
          const ifpa = ifpaAt(known, t);
          return {
            month: monthName(t),
            price,
            trend,
            // the ALPS classes' lower edges around the trend: stress, alert, crisis
            bands:
              fit && trend !== null
                ? {
                    stress: trend + 0.25 * fit.sigma,
                    alert: trend + fit.sigma,
                    crisis: trend + 2 * fit.sigma,
                  }
                : null,
            alps: fit && trend !== null && fit.sigma > 0 ? (price - trend) / fit.sigma : null,
            ifpa: 'value' in ifpa ? ifpa.value.value : null,
          };
        }),
        credits: await this.catalogue.sourceCredits(s.sources),
      };
    });
  }

  // The named series of one country, each assessed at its last month, from one read of the
  // country's monthly prices (the feed after a run: one read per country, not one per series).
  // A series with no city market is left out.
  async latestOf(
    country: string,
    keys: { commodity: string; unit: string; priceType: string; currency: string }[],
  ): Promise<{ series: MarketMonthlySeries; markets: MarketAlert[] }[]> {
    if (!keys.length) return [];
    const wanted = new Set(
      keys.map((k) => [k.commodity, k.unit, k.priceType, k.currency].join('\u0000')),
    );
    const all = await this.prices.marketMonthlySeries({
      countries: [country],
      commodities: [...new Set(keys.map((k) => k.commodity))],
    });
    return all
      .filter((s) => wanted.has([s.commodity, s.unit, s.priceType, s.currency].join('\u0000')))
      .map((s) => ({ series: s, markets: atLastMonth(s).alerts }));
  }

  // WFP's "at a glance" for a country: per series, the markets monitored (eligible at the series'
  // last month) and how many are in each ALPS class.
  async summary(country = DEFAULT_COUNTRY) {
    await this.ids.assertKnown('country', 'country', [country]);
    const version = await this.versions.current();
    return this.cache.get(['alerts-summary', version, country], async () => {
      const all = await this.prices.marketMonthlySeries({ countries: [country] });
      const series = all.map((s) => {
        const { last, alerts } = atLastMonth(s);
        const counts: Record<AlpsClass, number> = { normal: 0, stress: 0, alert: 0, crisis: 0 };
        for (const a of alerts) if (a.alps) counts[a.alps.class]++;
        return {
          commodity: s.commodity,
          unit: s.unit,
          priceType: s.priceType,
          currency: s.currency,
          month: monthName(last),
          markets: alerts.length,
          monitored: alerts.filter((a) => a.eligibility.eligible).length,
          ...counts,
        };
      });
      return {
        country,
        series: series.sort(
          (a, b) =>
            b.crisis - a.crisis ||
            b.alert - a.alert ||
            b.stress - a.stress ||
            a.commodity.localeCompare(b.commodity),
        ),
      };
    });
  }
}
