import { CronTime } from 'cron';
import { PriceSource, SourceMeta } from './source.types';

// What a source says about itself, in its own folder: who it is, where it stands in the preference
// order, and the settings it reads (environment variable, default, kind). The registry collects
// the declarations; configuration validation, the scheduler, the preference order and the
// README's configuration table (checked by a test) all read them, so adding a source touches its
// folder and one registry line.

export type SettingKind = 'url' | 'url-template' | 'cron' | 'int';

export interface SettingDeclaration {
  env: string;
  kind: SettingKind;
  default: string | number;
  description: string;
  min?: number; // int
  max?: number; // int
  placeholder?: string; // url-template: must contain it, e.g. {tab}
}

export type SourceSettings = Record<string, string | number>;

export interface SourceDeclaration {
  meta: SourceMeta;
  // Where two sources give the same market and date, the analysis takes the lower rank's value.
  preference: number;
  settings: { url: SettingDeclaration; cron: SettingDeclaration } & Record<
    string,
    SettingDeclaration
  >;
  create(settings: SourceSettings): PriceSource;
}

export const declareSource = (d: SourceDeclaration): SourceDeclaration => d;

const HTTP_URL = /^https?:\/\/\S+$/;

type Read = { value: string | number } | { problem: string };

function readSetting(s: SettingDeclaration, raw: string | undefined): Read {
  const value = raw === undefined || raw === '' ? s.default : raw;
  const text = String(value);
  switch (s.kind) {
    case 'url':
      return HTTP_URL.test(text)
        ? { value: text }
        : { problem: `${s.env}: ${s.env} must be an http(s) URL` };
    case 'url-template':
      if (!HTTP_URL.test(text)) return { problem: `${s.env}: ${s.env} must be an http(s) URL` };
      return s.placeholder && !text.includes(s.placeholder)
        ? { problem: `${s.env}: ${s.env} must contain the ${s.placeholder} placeholder` }
        : { value: text };
    case 'cron':
      try {
        new CronTime(text);
        return { value: text };
      } catch (err) {
        return { problem: `${s.env}: not a valid cron expression (${(err as Error).message})` };
      }
    case 'int': {
      const n = /^-?\d+$/.test(text.trim()) ? Number(text) : NaN;
      if (!Number.isInteger(n)) return { problem: `${s.env}: ${s.env} must be a whole number` };
      if (s.min !== undefined && n < s.min)
        return { problem: `${s.env}: ${s.env} must not be less than ${s.min}` };
      if (s.max !== undefined && n > s.max)
        return { problem: `${s.env}: ${s.env} must not be greater than ${s.max}` };
      return { value: n };
    }
  }
}

// Every declared setting read from the environment (or its default) and validated; each problem
// names its variable.
export function readSourceSettings(
  declarations: readonly SourceDeclaration[],
  env: NodeJS.ProcessEnv,
): { values: Record<string, SourceSettings>; problems: string[] } {
  const values: Record<string, SourceSettings> = {};
  const problems: string[] = [];
  for (const d of declarations) {
    const out: SourceSettings = {};
    for (const [key, s] of Object.entries(d.settings)) {
      const r = readSetting(s, env[s.env]);
      if ('problem' in r) problems.push(r.problem);
      else out[key] = r.value;
    }
    values[d.meta.id] = out;
  }
  return { values, problems };
}
