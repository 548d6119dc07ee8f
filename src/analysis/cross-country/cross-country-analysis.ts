import { DatedValue } from '../../coverage/interpolation';
import { Adoption, adoptionMonths } from './adoption';
import { callawaySantAnna, CallawaySantAnna } from './callaway-santanna';
import { EventStudy, eventStudyTwfe, staticTwfe, StaticTwfe } from './event-study';
import { PairLevelEstimate, pairLevelTwfe } from './pair-level';
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
  threshold: number; // subscriptions per 100 that date a country's adoption
}

export interface StaggeredEstimates {
  threshold: number;
  adoption: Adoption[];
  eventStudy: EventStudy;
  callawaySantAnna: CallawaySantAnna;
  staticTwfe: StaticTwfe;
}

export interface CrossCountryEstimates {
  panel: Omit<CrossCountryPanel, 'prices'>;
  seriesLevel: TwfeEstimate | NotIdentifiedEstimate;
  pairLevel: PairLevelEstimate | NotIdentifiedEstimate;
  leaveOneCountryOut: { country: string; estimate: number | null; reason?: string }[];
  perCountry: CountryEstimate[];
  pooled: Pooled;
  staggered: StaggeredEstimates;
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
  const lastMonth = panel.rows.reduce((m, r) => (r.month > m ? r.month : m), '0000-00');
  const adoption = adoptionMonths(subscriptions, panel.countries, o.threshold, lastMonth);
  return {
    staggered: {
      threshold: o.threshold,
      adoption,
      eventStudy: eventStudyTwfe(panel.rows, adoption),
      callawaySantAnna: callawaySantAnna(panel.rows, adoption),
      staticTwfe: staticTwfe(panel.rows, adoption),
    },
    panel,
    seriesLevel: twfeSeriesLevel(panel.rows, o),
    pairLevel: pairLevelTwfe({ ...panel, prices }, o),
    leaveOneCountryOut: leaveOneCountryOut(panel.rows, panel.countries),
    perCountry,
    pooled: poolCountries(perCountry),
  };
}
