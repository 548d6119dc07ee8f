import { ConvergenceReport } from './convergence-report.service';
import { fmt, fmtP } from './report-text';

// The convergence report as Markdown for people: the sentences, the caveats, and the main tables.
export function reportMarkdown(r: ConvergenceReport): string {
  const out: string[] = [];
  out.push(`# Did mobile phones even out ${r.commodity} prices? Convergence report`, '');
  out.push(
    `Data: ${r.data.observations} observations, ${r.data.markets.length} markets, ${r.data.dates} survey dates, ${r.data.from} to ${r.data.to}; source: ${r.data.sources.join(', ')}.`,
    '',
    ...r.data.credits.map((c) => `Credit (${c.source}): ${c.credit}`),
    '',
    `Settings: ${r.settings}`,
    '',
  );
  out.push('## Findings', '', ...r.summary.map((s) => `- ${s}`), '');
  out.push('## Caveats', '', ...r.caveats.map((s) => `- ${s}`), '');
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
          `| ${p.from} – ${p.to} | ${x.a}–${x.b} | ${x.n} | ${fmt(x.rho)} | ${fmt(x.rhoSe)} | ${x.underOneInterval ? 'under 1' : x.halfLifeIntervals === null ? '–' : fmt(x.halfLifeIntervals, 2)} | ${x.underOneInterval ? 'under 1 interval' : x.halfLifeDays === null ? '–' : fmt(x.halfLifeDays, 0)} | ${x.adf ? `${fmt(x.adf.tau, 2)} (${x.adf.lags})` : '–'} | ${x.adf ? (x.adf.tau < x.adf.criticalValues['5pct'] ? 'yes' : 'no (unit root not rejected)') : '–'} |`,
        );
      } else
        out.push(
          `| ${p.from} – ${p.to} | ${x.a}–${x.b} | ${x.observations} | insufficient data | | | | | |`,
        );
    }
  }
  out.push(
    '',
    '## Pair regressions',
    '',
    '| coverage | commodity | coefficient | estimate | s.e. | p (clustered) | p (wild bootstrap) | N | pairs |',
    '|---|---|---|---|---|---|---|---|---|',
  );
  const rows: [string, string, (typeof r.pairRegression)['national'] | null][] = [
    ['national', r.commodity, r.pairRegression.national],
    ['national', 'usd (placebo)', r.pairRegression.placebo.national],
    ['towers', r.commodity, r.pairRegression.towers],
    ['towers', 'usd (placebo)', r.pairRegression.placebo.towers],
  ];
  for (const [cov, com, reg] of rows) {
    if (!reg) continue;
    const res = reg.result;
    if ('insufficientData' in res) {
      out.push(`| ${cov} | ${com} | – | ${res.message} | | | | | |`);
      continue;
    }
    res.coefficients.forEach((c, i) =>
      out.push(
        `| ${cov} | ${com} | ${c.name} | ${fmt(c.estimate, 5)} | ${fmt(c.se, 5)} | ${fmtP(c.p)} | ${i === 0 && res.bootstrap ? fmtP(res.bootstrap.p) : '–'} | ${res.n} | ${res.pairs} |`,
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
      `| ${e.a}–${e.b} | ${e.observations} | ${e.distanceKm === null ? '–' : fmt(e.distanceKm, 0)} | ${e.correlation === null ? '–' : fmt(e.correlation)} | ${g ? `${fmtP(g.aToB.p)} (${fmtP(g.aToB.pHolm)})` : '–'} | ${g ? `${fmtP(g.bToA.p)} (${fmtP(g.bToA.pHolm)})` : '–'} | ${e.leader ?? '–'} |`,
    );
  }
  out.push('');
  return out.join('\n');
}
