import { ConvergenceReport } from './convergence-report.service';
import { countryName } from '../common/countries';
import { fmt, fmtP, whyNoEstimate } from './report-text';

// Three significant digits, whatever the scale (0.00361 → 0.00361, 7.7e-5 → 7.70e-5).
const sig = (x: number): string =>
  !Number.isFinite(x)
    ? String(x)
    : x === 0
      ? '0'
      : Math.abs(x) < 1e-4
        ? x.toExponential(2)
        : x.toPrecision(3);

// The convergence report as Markdown for people: the sentences, the caveats, and the main tables.
export function reportMarkdown(r: ConvergenceReport): string {
  const out: string[] = [];
  const name = (m: string) => r.data.marketNames[m] ?? m;
  out.push(
    `# Did mobile phones even out ${r.commodity} prices in ${countryName(r.country)}? Convergence report`,
    '',
  );
  out.push(
    `Series: ${r.commodity}${r.unitLabel ? `, ${r.unitLabel}` : ''}${r.priceType ? `, ${r.priceType}` : ''}. Data: ${r.data.observations} observations, ${r.data.markets.length} markets, ${r.data.dates} survey dates, ${r.data.from ?? '–'} to ${r.data.to ?? '–'}; source: ${r.data.sources.join(', ') || 'none'}.`,
    '',
    ...r.data.credits.map((c) => `Credit (${c.source}): ${c.credit}`),
    '',
    `Settings: ${r.settings}`,
    '',
  );
  out.push('## Findings', '', ...r.summary.map((s) => `- ${s}`), '');
  out.push('## Caveats', '', ...r.caveats.map((s) => `- ${s}`), '');
  if (!r.data.observations) return out.join('\n');
  out.push(
    '## Half-lives of deviations from the law of one price',
    '',
    '| period | pair | n | ρ | s.e. | half-life (surveys) | half-life (days) | ADF τ (lags) | mean reversion (ADF, 5 %) |',
    '|---|---|---|---|---|---|---|---|---|',
  );
  for (const p of r.halfLives.periods) {
    for (const x of p.pairs) {
      if ('rho' in x) {
        out.push(
          `| ${p.from} – ${p.to} | ${name(x.a)}–${name(x.b)} | ${x.n} | ${fmt(x.rho)} | ${fmt(x.rhoSe)} | ${x.underOneInterval ? 'under 1' : x.halfLifeIntervals === null ? '–' : fmt(x.halfLifeIntervals, 2)} | ${x.underOneInterval ? 'under 1 interval' : x.halfLifeDays === null ? '–' : fmt(x.halfLifeDays, 0)} | ${x.adf ? `${fmt(x.adf.tau, 2)} (${x.adf.lags})` : '–'} | ${x.adf ? (x.adf.tau < x.adf.criticalValues['5pct'] ? 'unit root rejected' : 'unit root not rejected (low power)') : '–'} |`,
        );
      } else
        out.push(
          `| ${p.from} – ${p.to} | ${name(x.a)}–${name(x.b)} | ${x.observations} | insufficient data | | | | | |`,
        );
    }
  }
  out.push(
    '',
    '## Pair regressions',
    '',
    '| coverage (fixed effects) | series | coefficient | estimate | s.e. | p (clustered) | p (wild bootstrap) | N | clusters |',
    '|---|---|---|---|---|---|---|---|---|',
  );
  const placebo = r.placeboSeries ? `${r.placeboSeries} (placebo)` : 'placebo';
  const rows: [string, string, (typeof r.pairRegression)['national'] | null][] = [
    ['national (pair)', r.commodity, r.pairRegression.national],
    ['national (pair)', placebo, r.pairRegression.placebo.national],
    ['towers (pair, date)', r.commodity, r.pairRegression.towers],
    ['towers (pair, date)', placebo, r.pairRegression.placebo.towers],
  ];
  for (const [cov, com, reg] of rows) {
    if (!reg) continue;
    const res = reg.result;
    if (!('coefficients' in res)) {
      const why = whyNoEstimate(res);
      out.push(
        `| ${cov} | ${com} | coverage | ${why} | – | – | – | ${'n' in res ? res.n : res.observations} | – |`,
      );
      continue;
    }
    res.coefficients.forEach((c, i) =>
      out.push(
        `| ${cov} | ${com} | ${c.name} | ${sig(c.estimate)} | ${sig(c.se)} | ${fmtP(c.p)} | ${i === 0 && res.bootstrap ? fmtP(res.bootstrap.p) : '–'} | ${res.n} | ${res.pairs} |`,
      ),
    );
    const e = res.coverageEffectByDistance;
    if (e)
      out.push(
        `| ${cov} | ${com} | coverage at the mean pair distance (${fmt(e.atMeanDistance.distanceKm, 0)} km) | ${fmt(e.atMeanDistance.estimate, 5)} | ${fmt(e.atMeanDistance.se, 5)} | ${fmtP(e.atMeanDistance.p)} | – | ${res.n} | ${res.pairs} |`,
      );
    for (const d of res.dropped)
      out.push(`| ${cov} | ${com} | ${d.name} | dropped: ${d.reason} | | | | | |`);
  }
  const diffs: [string, (typeof r.pairRegression.placeboDifference)['national']][] = [
    ['national (pair)', r.pairRegression.placeboDifference.national],
    ['towers (pair, date)', r.pairRegression.placeboDifference.towers],
  ];
  for (const [cov, d] of diffs) {
    if (!d) continue;
    if (!('difference' in d)) {
      const why = whyNoEstimate(d);
      out.push(
        `| ${cov} | ${r.commodity} − placebo (stacked) | coverage × commodity | ${why} | – | – | – | – | – |`,
      );
      continue;
    }
    out.push(
      `| ${cov} | ${r.commodity} − placebo (stacked) | coverage × commodity | ${sig(d.difference.estimate)} | ${sig(d.difference.se)} | ${fmtP(d.difference.p)} | ${d.bootstrap ? fmtP(d.bootstrap.p) : '–'} | ${d.n} | ${d.clusters} |`,
    );
  }
  out.push(
    '',
    '## Trade network',
    '',
    '| pair | n | distance (km) | corr(Δ ln p) | Granger a→b p (Holm) | Granger b→a p (Holm) | precedes (Granger) |',
    '|---|---|---|---|---|---|---|',
  );
  for (const e of r.network.edges) {
    const g = 'aToB' in e.granger ? e.granger : null;
    out.push(
      `| ${name(e.a)}–${name(e.b)} | ${e.observations} | ${e.distanceKm === null ? '–' : fmt(e.distanceKm, 0)} | ${e.correlation === null ? '–' : fmt(e.correlation)} | ${g ? `${fmtP(g.aToB.p)} (${fmtP(g.aToB.pHolm)})` : '–'} | ${g ? `${fmtP(g.bToA.p)} (${fmtP(g.bToA.pHolm)})` : '–'} | ${e.leader ? name(e.leader) : '–'} |`,
    );
  }
  out.push('');
  return out.join('\n');
}
