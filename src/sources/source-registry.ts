import { AppConfig } from '../config/app-config';
import { AsiaPressEnSource } from './asiapress-en/asiapress-en.source';
import { AsiaPressKoSource } from './asiapress-ko/asiapress-ko.source';
import { DailyNkEnSource } from './dailynk-en/dailynk-en.source';
import { DailyNkKoSource } from './dailynk-ko/dailynk-ko.source';
import { DailyNkSheetSource } from './dailynk-sheet/dailynk-sheet.source';
import { PriceSource } from './source.types';

// Every adapter class; the Nest module and the database-free `parse` command both build from this.
export const SOURCE_CLASSES = [
  DailyNkSheetSource,
  DailyNkKoSource,
  DailyNkEnSource,
  AsiaPressKoSource,
  AsiaPressEnSource,
] as const;

export function createSources(config: AppConfig): PriceSource[] {
  return SOURCE_CLASSES.map((C) => new C(config));
}
