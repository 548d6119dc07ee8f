import { Injectable } from '@nestjs/common';
import { countryName } from '../common/countries';
import { CoverageService } from '../coverage/coverage.service';
import { SeriesPoint } from '../prices/prices.service';
import { CatalogueService } from '../prices/catalogue.service';
import { CountryProfile, DEFAULT_COUNTRY, hasProfile, profileOf } from './events';
import { displayNames, Panel, PanelService } from './panel.service';

// Everything a convergence report reads, loaded once and handed to the pure estimators and
// sentence writers: the commodity's panel and points, the placebo's panel (or why there is none),
// the coverage version, the tower sources, whether a national series exists, display names, the
// series' currency and the sources' credit lines.
export interface ReportInputs {
  commodity: string;
  country: string;
  countryName: string;
  unit: string | null;
  priceType: string | null;
  currency: string | null;
  unitLabel: string | null; // "KES/kg"
  from: string | null; // as asked
  to: string | null;
  profile: CountryProfile;
  hasProfile: boolean;
  panel: Panel;
  points: SeriesPoint[];
  placebo:
    { commodity: string; label: string; premise: string; panel: Panel } | { missing: string };
  coverageVersion: string;
  towerSources: string[];
  nationalSeries: boolean;
  nationalLastDate: string | null; // the series' last value: later dates carry it
  names: Map<string, string>;
  credits: { source: string; credit: string }[];
  alternatives: string[]; // without a price: the country's commodities of a similar id
}

// A unit as people write it after a currency: "KG" → "kg"; other units as published ("125 G").
export const unitLabel = (currency: string | null, unit: string | null): string | null => {
  if (!unit) return currency;
  if (unit.includes('/')) return unit; // already "KPW/kg"
  const u = /^(kg|l|litre|liter)$/i.test(unit) ? unit.toLowerCase().replace(/^l.*$/, 'L') : unit;
  return currency ? `${currency}/${u}` : u;
};

@Injectable()
export class ReportInputsLoader {
  constructor(
    private readonly panels: PanelService,
    private readonly coverage: CoverageService,
    private readonly catalogue: CatalogueService,
  ) {}

  // Without a price: the country's commodities whose id contains the one asked for (Bangladesh's
  // WFP file has rice-coarse, not rice), most observed first.
  private async alternatives(commodity: string, country: string): Promise<string[]> {
    const series = await this.catalogue.seriesByCommodity(country);
    const total = (id: string) => series.get(id)!.reduce((s, c) => s + c.observations, 0);
    return [...series.keys()]
      .filter((id) => id !== commodity && id.includes(commodity))
      .sort((a, b) => total(b) - total(a) || a.localeCompare(b))
      .slice(0, 5);
  }

  async load(panel: Panel): Promise<ReportInputs> {
    const commodity = panel.commodity;
    const f = panel.filter;
    const country = f.country ?? DEFAULT_COUNTRY;
    const profile = profileOf(country);
    const placeboId = profile.placebo?.commodity;
    const placeboPanel =
      placeboId && placeboId !== commodity
        ? this.panels.load(placeboId, { country, markets: f.markets, from: f.from, to: f.to })
        : Promise.resolve(null);
    // whether the placebo has prices in the country, from the series list kept until the data
    // change (reading its series here would cost a database read on every request, cached or not)
    const placeboSeries = placeboId ? this.catalogue.seriesChoices(placeboId, country) : [];
    const [
      data,
      placebo,
      placeboChoices,
      coverageVersion,
      towerSources,
      nationalLastDate,
      currencies,
    ] = await Promise.all([
      panel.data(),
      placeboPanel,
      placeboSeries,
      this.coverage.version(),
      this.coverage.towerSources(country),
      this.coverage.nationalLastDate(country),
      this.catalogue.seriesCurrencies(commodity, country, f.unit, f.priceType),
    ]);
    const points = data.points;
    const sources = [...new Set(points.map((p) => p.source))].sort();
    const inSeries = new Set(points.map((p) => p.market));
    // the panel's own currency where its series was chosen (one series never mixes currencies)
    const currency = f.currency ?? currencies[0] ?? null;
    const placeboObservations = placeboChoices.reduce((s, c) => s + c.observations, 0);
    return {
      commodity,
      country,
      countryName: countryName(country),
      unit: f.unit ?? null,
      priceType: f.priceType ?? null,
      currency,
      unitLabel: unitLabel(currency, f.unit ?? null),
      from: f.from ?? null,
      to: f.to ?? null,
      profile,
      hasProfile: hasProfile(country),
      panel,
      points,
      placebo:
        placebo && profile.placebo && placeboObservations
          ? { ...profile.placebo, panel: placebo }
          : {
              missing: !profile.placebo
                ? `no placebo series is known for ${countryName(country)} (data/reference/country-report-profiles.json names one per country)`
                : placeboId === commodity
                  ? `${commodity} is itself ${countryName(country)}'s placebo series (${profile.placebo.label}), and a series is never its own placebo`
                  : `the placebo series (${profile.placebo.label}, ${placeboId}) has no observations in ${countryName(country)}`,
            },
      coverageVersion,
      towerSources,
      nationalSeries: nationalLastDate !== null,
      nationalLastDate,
      names: displayNames(data.markets.filter((m) => inSeries.has(m.id))),
      credits: await this.catalogue.sourceCredits(sources),
      alternatives: points.length ? [] : await this.alternatives(commodity, country),
    };
  }
}
