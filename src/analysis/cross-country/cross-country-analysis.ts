import { DatedValue } from '../../coverage/interpolation';
import {
  buildCrossCountryPanel,
  CrossCountryPanel,
  PanelOptions,
  SeriesPrices,
} from './cross-country-panel';
import {
  CountryEstimate,
  leaveOneCountryOut,
  NotIdentifiedEstimate,
  perCountryEstimates,
  poolCountries,
  Pooled,
  twfeSeriesLevel,
  TwfeEstimate,
} from './cross-country-estimators';

export interface CrossCountryOptions extends PanelOptions {
  bootstrap: number; // wild cluster bootstrap replications at the series level; 0: none
  seed: number;
}

export interface CrossCountryEstimates {
  panel: Omit<CrossCountryPanel, 'prices'>;
  seriesLevel: TwfeEstimate | NotIdentifiedEstimate;
  leaveOneCountryOut: { country: string; estimate: number | null; reason?: string }[];
  perCountry: CountryEstimate[];
  pooled: Pooled;
}

// Every estimate of one cross-country request from its monthly prices and subscriptions: the
// panel is built once and handed to each estimator (what the analysis worker thread runs).
export function crossCountryAnalysis(
  input: SeriesPrices[],
  subscriptions: Map<string, DatedValue[]>,
  o: CrossCountryOptions,
): CrossCountryEstimates {
  const { prices, ...panel } = buildCrossCountryPanel(input, subscriptions, o);
  const perCountry = perCountryEstimates({ ...panel, prices });
  return {
    panel,
    seriesLevel: twfeSeriesLevel(panel.rows, o),
    leaveOneCountryOut: leaveOneCountryOut(panel.rows, panel.countries),
    perCountry,
    pooled: poolCountries(perCountry),
  };
}
