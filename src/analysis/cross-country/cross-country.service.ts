import { Injectable } from '@nestjs/common';
import { BadInputError } from '../../common/domain-error';
import { CoverageService } from '../../coverage/coverage.service';
import { CatalogueService } from '../../prices/catalogue.service';
import { DataVersionService } from '../../prices/data-version.service';
import { PricesService } from '../../prices/prices.service';
import { ReferenceIdsService } from '../../prices/reference-ids.service';
import { AnalysisCache } from '../analysis-cache';
import { AnalysisWorkers } from '../analysis-workers';
import { CrossCountryEstimates, CrossCountryOptions } from './cross-country-analysis';
import { DispersionMeasure } from './cross-country-panel';
import { crossCountryReport, CrossCountryReport } from './cross-country-report';

export interface CrossCountryRequest {
  countries?: string[];
  commodities?: string[]; // ids, names or groups (a category: food, fuel, or the file's, "cereals")
  from?: string;
  to?: string;
  minMarkets?: number;
  minMonths?: number;
  measure?: DispersionMeasure;
  bootstrap?: number;
  seed?: number;
  threshold?: number;
}

export const CROSS_COUNTRY_DEFAULTS = {
  minMarkets: 3,
  minMonths: 24,
  measure: 'meanAbsLogDiff' as DispersionMeasure,
  bootstrap: 999,
  seed: 20210101,
  threshold: 10,
};

// The definitions, as the answer states them (the README and docs/economists.md say the same).
export const SPECIFICATION = {
  series:
    'country, commodity, unit, price type and currency; a market’s monthly price is the mean of its survey dates’ values in the month (one value per date, the preferred source’s); averages of markets (regions) and forecasts never enter',
  entry:
    'a series enters when at least minMarkets of its markets have a price in at least minMonths months; every (series, month) with at least 2 priced markets and a subscriptions value is a row',
  dispersion:
    'meanAbsLogDiff: mean over market pairs of |ln p_i − ln p_j|; cv: population standard deviation over the mean',
  coverage:
    'the country’s mobile-cellular subscriptions per 100 people (ITU/WDI IT.CEL.SETS.P2, year-end values) on the month’s 15th, linear between year ends, the last value after it, none before the first',
  seriesLevel:
    'D = α_series + γ_month + β·coverage + ε by the within transformation (alternating projections); errors clustered by country with the factor G/(G−1)·(N−1)/(N−K), K = 1, t with G − 1 df; wild cluster bootstrap-t by country with the null imposed (Webb weights under 12 clusters, every weight vector when there are at most `bootstrap` of them)',
  pairLevel:
    '|ln p_i − ln p_j| = α_pair + γ_month + β·coverage + ε over every pair of markets priced in the same series and month, every series of every country (no cap on pairs); pair effects swept by per-pair sums, month effects by alternating projections; clustered by country with the wild cluster bootstrap by country, as at the series level',
  perCountry:
    '|ln p_i − ln p_j| = α_pair + β·coverage + ε on each country’s monthly market pairs, errors clustered by pair, t with pairs − 1 df (the report’s pair regression)',
  adoption:
    'a country adopts in the first month its subscriptions per 100 on the 15th reach `threshold`; one already there at its first value has no known date (always, left out of the staggered estimates); one that never does is a never-adopter',
  eventStudy:
    'D_sm = α_series + γ_month + Σ_k β_k·1[whole years since adoption = k] + ε, k from −5 to 10 binned at both ends, −1 omitted; clustered by country; joint Wald F of the leads −5..−2 with (q, G − 1) df',
  callawaySantAnna:
    'Callaway and Sant’Anna (2021) without covariates at the series-year level (Y = mean D of the year; cohort = adoption year): ATT(g,t) = mean ΔY of the cohort − mean ΔY of not-yet-adopted series (never-adopters and later cohorts), base g − 1 after adoption and t − 1 before; simple and dynamic aggregations weighted by the cohorts’ series counts; errors from the influence functions clustered by country (weights taken as fixed); joint Wald F of the pre-adoption effects',
  staticTwfe:
    'D_sm = α_series + γ_month + β·1[month ≥ adoption] + ε, clustered by country: the canonical TWFE, biased under staggered adoption with heterogeneous effects (Goodman-Bacon 2021), shown beside the robust estimate',
  pooled:
    'random effects over the per-country estimates with their variances: REML (Fisher scoring) and DerSimonian-Laird; τ², I² (Higgins-Thompson), Cochran’s Q with χ²(k − 1)',
};

export interface CommodityRecord {
  id: string;
  name: string;
  category: string;
  categoryRaw: string | null;
}

// A request's commodities as ids: each item an id, a name (any case), or a group: a category
// (food, fuel, currency, other) or a word of the file's own category ("cereals" for "cereals and
// tubers"). Nothing named: every commodity but exchange rates (category currency), which the
// country reports use as their placebo. An item that matches nothing is a 400 naming it.
export function resolveCommodities(
  items: string[] | undefined,
  all: CommodityRecord[],
): { ids: string[]; described: string } {
  if (!items?.length)
    return {
      ids: all.filter((c) => c.category !== 'currency').map((c) => c.id),
      described: 'every commodity but exchange rates',
    };
  const ids = new Set<string>();
  for (const item of items) {
    const low = item.toLowerCase();
    const hit = all.filter(
      (c) =>
        c.id === item ||
        c.name.toLowerCase() === low ||
        c.category === low ||
        (c.categoryRaw ?? '')
          .toLowerCase()
          .split(/[^a-z]+/)
          .includes(low),
    );
    if (!hit.length) {
      const groups = [
        ...new Set(all.flatMap((c) => [c.category, ...(c.categoryRaw ? [c.categoryRaw] : [])])),
      ].sort();
      throw new BadInputError(
        `commodities: "${item}" is not a commodity id, name or group (groups: ${groups.join(', ')}; ids: /api/commodities)`,
      );
    }
    for (const c of hit) ids.add(c.id);
  }
  return { ids: [...ids].sort(), described: items.join(', ') };
}

export interface CrossCountryAnswer extends CrossCountryEstimates {
  filters: Required<Omit<CrossCountryRequest, 'from' | 'to' | 'countries'>> & {
    countries: string[] | null; // null: every country with prices
    commodities: string[];
    commoditiesAsked: string;
    from: string | null;
    to: string | null;
  };
  specification: typeof SPECIFICATION;
  report: CrossCountryReport;
  credits: { source: string; credit: string }[];
}

// The cross-country convergence test: loads the chosen countries' monthly prices and their
// subscriptions once, hands them to the estimators in a worker thread, and writes the report.
@Injectable()
export class CrossCountryService {
  constructor(
    private readonly prices: PricesService,
    private readonly catalogue: CatalogueService,
    private readonly ids: ReferenceIdsService,
    private readonly versions: DataVersionService,
    private readonly coverage: CoverageService,
    private readonly cache: AnalysisCache,
    private readonly workers: AnalysisWorkers,
  ) {}

  async analyse(q: CrossCountryRequest): Promise<CrossCountryAnswer> {
    if (q.from && q.to && q.from > q.to) throw new BadInputError('from: must not be after to');
    await this.ids.assertKnown('countries', 'country', q.countries);
    const all = await this.catalogue.listCommodities();
    const commodities = resolveCommodities(q.commodities, all);
    const o: CrossCountryOptions = {
      minMarkets: q.minMarkets ?? CROSS_COUNTRY_DEFAULTS.minMarkets,
      minMonths: q.minMonths ?? CROSS_COUNTRY_DEFAULTS.minMonths,
      measure: q.measure ?? CROSS_COUNTRY_DEFAULTS.measure,
      bootstrap: q.bootstrap ?? CROSS_COUNTRY_DEFAULTS.bootstrap,
      seed: q.seed ?? CROSS_COUNTRY_DEFAULTS.seed,
      threshold: q.threshold ?? CROSS_COUNTRY_DEFAULTS.threshold,
    };
    const filters = {
      countries: q.countries?.length ? [...q.countries].sort() : null,
      commodities: commodities.ids,
      commoditiesAsked: commodities.described,
      from: q.from ?? null,
      to: q.to ?? null,
      ...o,
    };
    const version = await this.versions.current();
    return this.cache.get(['cross-country', version, filters], async () => {
      const series = await this.prices.monthlySeries({
        countries: q.countries,
        commodities: commodities.ids,
        from: q.from,
        to: q.to,
      });
      const countries = [...new Set(series.map((s) => s.country))];
      const unpriced = (q.countries ?? []).filter((c) => !countries.includes(c));
      if (unpriced.length)
        throw new BadInputError(
          `countries: ${unpriced.join(', ')} ${unpriced.length > 1 ? 'have' : 'has'} no prices of ${commodities.described}${q.from || q.to ? ' in the period' : ''} (see /api/countries)`,
        );
      if (!series.length)
        throw new BadInputError(
          `commodities: no prices of ${commodities.described} are stored${q.from || q.to ? ' in the period' : ''}`,
        );
      const subscriptions = await this.coverage.subscriptionsOf(countries);
      const estimates = await this.workers.run('crossCountry', series, subscriptions, o);
      const sources = [...new Set(estimates.panel.series.flatMap((s) => s.sources))];
      return {
        filters,
        specification: SPECIFICATION,
        ...estimates,
        report: crossCountryReport(estimates, o.measure),
        credits: await this.catalogue.sourceCredits(sources),
      };
    });
  }
}
