import { alertRows, alertsCsv } from '../../analysis/alerts/alerts-table';
import { Command, readArgs, UsageError } from './command';

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const num = (v: number | null | undefined, d = 2) =>
  v === null || v === undefined ? '' : v.toFixed(d);

export const alertsCommand: Command = {
  words: ['alerts'],
  usage: `alerts [--country ISO3] [--commodity C [--unit U] [--price-type T] [--currency X]]
         [--as-of YYYY-MM] [--format text|csv|json]
                                            price alerts (WFP's ALPS, FAO's IFPA): one commodity's
                                            markets by severity, or without --commodity every
                                            series of the country at a glance (for cron and mail)`,
  prepare(args) {
    const { values } = readArgs(args, {
      country: { type: 'string' },
      commodity: { type: 'string' },
      unit: { type: 'string' },
      'price-type': { type: 'string' },
      currency: { type: 'string' },
      'as-of': { type: 'string' },
      format: { type: 'string' },
    });
    const format = values.format ?? 'text';
    if (format !== 'text' && format !== 'csv' && format !== 'json')
      throw new UsageError(`--format: text, csv or json, not ${values.format}`);
    const country = values.country?.trim().toUpperCase();
    if (country !== undefined && !/^[A-Z]{3}$/.test(country))
      throw new UsageError(
        `--country: an ISO 3166-1 alpha-3 code such as PRK, not ${values.country}`,
      );
    const asOf = values['as-of'];
    if (asOf !== undefined && !/^\d{4}-(0[1-9]|1[0-2])(-\d{2})?$/.test(asOf))
      throw new UsageError(`--as-of: a month YYYY-MM, not ${asOf}`);
    if (!values.commodity && (values.unit || values['price-type'] || values.currency || asOf))
      throw new UsageError('--unit, --price-type, --currency and --as-of need --commodity');
    return {
      async run(backend, io) {
        if (!values.commodity) {
          const s = await backend.alertsSummary(country);
          if (format === 'json') io.out(JSON.stringify(s, null, 2));
          else {
            io.out(
              `${s.country}: every series, each at its last month (markets monitored / crisis / alert / stress)`,
            );
            for (const x of s.series)
              io.out(
                `${pad(`${x.commodity} (${x.unit}, ${x.priceType}, ${x.currency})`, 48)} ${x.month}  ${x.monitored}/${x.markets} monitored  crisis ${x.crisis}  alert ${x.alert}  stress ${x.stress}`,
              );
          }
          return 0;
        }
        const a = await backend.alerts({
          country,
          commodity: values.commodity,
          unit: values.unit,
          priceType: values['price-type'],
          currency: values.currency,
          asOf,
        });
        if (format === 'json') io.out(JSON.stringify(a, null, 2));
        else if (format === 'csv') io.out(alertsCsv(a).trimEnd());
        else {
          io.out(
            `${a.commodity} in ${a.country} (${a.unit}, ${a.priceType}, ${a.currency}), as of ${a.asOf}:`,
          );
          for (const r of alertRows(a))
            io.out(
              r.eligible
                ? `${pad(String(r.name), 28)} ${r.monthAssessed}  ${pad(String(r.alpsClass ?? ''), 7)} ALPS ${num(r.alps as number)}  IFPA ${num(r.ifpa as number | null)} ${r.ifpaClass ?? ''}`
                : `${pad(String(r.name), 28)} not judged: ${r.notEligible}`,
            );
        }
        return 0;
      },
    };
  },
};
