import { ASIAPRESS_EN_SOURCE } from './asiapress-en/asiapress-en.source';
import { ASIAPRESS_KO_SOURCE } from './asiapress-ko/asiapress-ko.source';
import { DAILYNK_EN_SOURCE } from './dailynk-en/dailynk-en.source';
import { DAILYNK_KO_SOURCE } from './dailynk-ko/dailynk-ko.source';
import { DAILYNK_SHEET_SOURCE } from './dailynk-sheet/dailynk-sheet.source';
import { NKTIMES_EN_SOURCE } from './nktimes-en/nktimes-en.source';
import { SourceDeclaration, SourceSettings } from './source-declaration';
import { PriceSource } from './source.types';

// Every source, each declared in its own folder: adding one is one line here.
export const SOURCE_DECLARATIONS: readonly SourceDeclaration[] = [
  DAILYNK_SHEET_SOURCE,
  DAILYNK_KO_SOURCE,
  DAILYNK_EN_SOURCE,
  ASIAPRESS_KO_SOURCE,
  ASIAPRESS_EN_SOURCE,
  NKTIMES_EN_SOURCE,
];

// The preference order of the analysis: where two sources give the same market and date, the
// first one's value is used.
export const SOURCE_PREFERENCE: readonly string[] = [...SOURCE_DECLARATIONS]
  .sort((a, b) => a.preference - b.preference)
  .map((d) => d.meta.id);

// The adapters with their settings; the Nest module and the database-free `parse` command both
// build from this.
export function createSources(config: { sources: Record<string, SourceSettings> }): PriceSource[] {
  return SOURCE_DECLARATIONS.map((d) => d.create(config.sources[d.meta.id]));
}
