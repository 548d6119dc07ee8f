import { allObservations, client, must, type Schemas } from './api';
import { downloadCsv } from './charts';
import { dispersionView } from './views/dispersion';
import { halfLivesView, regressionView } from './views/half-lives';
import { mapView } from './views/map';
import { networkView } from './views/network';
import { pricesView } from './views/prices';
import { clearReport, drawReport, drawSources, sourcesCsv } from './views/report';
import { alertHistoryView, alertsView } from './views/alerts';
import { eventStudyView, forestView, worldMapView } from './views/world';
import { MEASURES, readState, type State, writeState } from './state';

// The dashboard: controls whose values live in the URL, six views that read only the public API.

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const controls = {
  country: $<HTMLSelectElement>('country'),
  commodity: $<HTMLSelectElement>('commodity'),
  series: $<HTMLSelectElement>('series'),
  from: $<HTMLInputElement>('from'),
  to: $<HTMLInputElement>('to'),
  measure: $<HTMLSelectElement>('measure'),
  log: $<HTMLInputElement>('log'),
};

let state: State = readState();
const views = {
  prices: pricesView(),
  dispersion: dispersionView(),
  map: mapView((market) => {
    state = { ...state, market };
    writeState(state);
    void render();
    $('prices').scrollIntoView();
  }),
  network: networkView(),
  halfLives: halfLivesView(),
  regression: regressionView(),
  alerts: alertsView((market) => {
    state = { ...state, market };
    writeState(state);
    void render();
  }),
  alertHistory: alertHistoryView(),
  forest: forestView(),
  events: eventStudyView(),
  world: worldMapView(),
};

views.prices.onZoom((from, to) => {
  state = { ...state, from, to };
  controls.from.value = from ?? '';
  controls.to.value = to ?? '';
  writeState(state);
  views.dispersion.zoom(from, to);
});

const option = (value: string, text: string) => {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = text;
  return o;
};

// A view that cannot be drawn says why in its own place; the others still draw.
async function guarded(id: string, work: () => Promise<void>): Promise<void> {
  const box = document.querySelector<HTMLElement>(`#${id} .error`);
  if (box) box.textContent = '';
  document.getElementById(id)?.removeAttribute('data-error');
  try {
    await work();
  } catch (err) {
    if (box) box.textContent = `Not shown: ${(err as Error).message}`;
    document.getElementById(id)?.setAttribute('data-error', 'true');
  }
}

// The cross-country test does not depend on the controls: asked for once per page.
let crossCountry:
  Promise<[Schemas['CrossCountryAnswerDto'], Schemas['WorldOutlineDto']]> | undefined;
function drawWorld(): Promise<void>[] {
  crossCountry ??= Promise.all([
    must(client.GET('/api/analysis/cross-country', { params: { query: {} } })),
    must(client.GET('/api/world/outline')),
  ]);
  const names = new Map(countries.map((c) => [c.iso3, c.name]));
  const creditOf = (a: Schemas['CrossCountryAnswerDto']) =>
    a.credits.map((c) => c.credit).join(' ');
  return [
    guarded('world', async () => {
      const [a] = await crossCountry!;
      $('world-headline').textContent = a.report.headline;
      const caveats = a.report.sections.find((s) => s.title === 'Caveats')?.sentences ?? [];
      $('world-caveats').replaceChildren(
        ...caveats.map((t) => {
          const li = document.createElement('li');
          li.textContent = t;
          return li;
        }),
      );
    }),
    guarded('world-forest', async () => {
      const [a] = await crossCountry!;
      views.forest.draw(a, names, creditOf(a));
    }),
    guarded('world-events', async () => {
      const [a] = await crossCountry!;
      views.events.draw(a, creditOf(a));
    }),
    guarded('world-map', async () => {
      const [a, outline] = await crossCountry!;
      views.world.draw(a, outline, creditOf(a));
    }),
  ];
}

const PAIR_MARKETS = 30;
let countries: Schemas['CountryDto'][] = [];
let generation = 0;

// The country's reference data, asked for at once (in parallel with the country list on the first
// load: the URL already names the country).
const referenceOf = (iso3: string) =>
  Promise.all([
    must(client.GET('/api/commodities', { params: { query: { country: iso3 } } })),
    must(client.GET('/api/markets', { params: { query: { country: iso3 } } })),
    must(client.GET('/api/countries/{iso3}/outline', { params: { path: { iso3 } } })),
    must(client.GET('/api/sources')),
  ]);

async function render(early?: ReturnType<typeof referenceOf>): Promise<void> {
  const mine = ++generation;
  document.body.dataset.ready = 'false';
  const country = countries.find((c) => c.iso3 === state.country) ?? countries[0];
  // a country the URL named but the data lack: the first one instead
  if (country.iso3 !== state.country) early = undefined;
  state.country = country.iso3;
  controls.country.value = country.iso3;
  const [commodities, markets, outline, sources] = await (early ?? referenceOf(state.country));
  const withSeries = commodities.filter((c) => c.series.length);
  const asked = state.commodity;
  const commodity = withSeries.find((c) => c.id === asked) ?? withSeries[0];
  // a commodity the URL named that the country has no series of: say what is shown instead
  $('status').textContent =
    commodity.id === asked
      ? ''
      : `${country.name} has no series of “${asked}”: showing ${commodity.name} instead.`;
  state.commodity = commodity.id;
  controls.commodity.replaceChildren(...withSeries.map((c) => option(c.id, c.name)));
  controls.commodity.value = commodity.id;
  const series =
    commodity.series.find(
      (s) =>
        s.unit === state.unit &&
        s.priceType === state.priceType &&
        (state.currency === undefined || s.currency === state.currency),
    ) ?? [...commodity.series].sort((a, b) => b.observations - a.observations)[0];
  state.unit = series.unit;
  state.priceType = series.priceType;
  state.currency = series.currency;
  controls.series.replaceChildren(
    ...commodity.series.map((s) =>
      option(
        `${s.unit}|${s.priceType}|${s.currency}`,
        `${s.label}, ${s.priceType} (${s.observations})`,
      ),
    ),
  );
  controls.series.value = `${series.unit}|${series.priceType}|${series.currency}`;
  controls.measure.value = state.measure;
  controls.log.checked = state.log;
  controls.from.value = state.from ?? '';
  controls.to.value = state.to ?? '';
  writeState(state);
  drawSources(sources);
  const credit = sources
    .filter((s) => s.observations > 0)
    .map((s) => s.credit)
    .join(' ');
  $('credit').textContent = credit;

  const q = {
    country: state.country,
    commodity: state.commodity,
    unit: state.unit,
    priceType: state.priceType,
    currency: state.currency,
  };
  const s = { ...state };
  const events = country.events;
  const names = new Map(markets.map((m) => [m.id, m.displayName]));
  const observations = allObservations(q);
  // the markets of this series (not of the country): the map shows them, the note counts them
  const seriesMarkets = observations.then((rows) => {
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(r.market, (counts.get(r.market) ?? 0) + 1);
    return counts;
  });
  // The pair statistics grow with the square of the markets: for a series with more than
  // PAIR_MARKETS markets they are computed on the PAIR_MARKETS with the most observations (the
  // page says so), which keeps them within the API's cost limit. The period chosen applies to them.
  const range = { ...(s.from ? { from: s.from } : {}), ...(s.to ? { to: s.to } : {}) };
  const pairQuery = (async () => {
    const counts = await seriesMarkets;
    if (counts.size <= PAIR_MARKETS) return { ...q, ...range };
    const top = [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, PAIR_MARKETS)
      .map(([m]) => m)
      .sort();
    return { ...q, ...range, markets: [top.join(',')] };
  })();
  $('pair-note').textContent = '';
  void seriesMarkets.then(
    (counts) => {
      if (mine === generation && counts.size > PAIR_MARKETS)
        $('pair-note').textContent =
          `This series has ${counts.size} markets: the network, half-lives, regression and report use the ${PAIR_MARKETS} with the most observations (${(PAIR_MARKETS * (PAIR_MARKETS - 1)) / 2} pairs).`;
    },
    () => undefined,
  );
  // the series' alerts feed two views: the map and table, and one market's history
  const alerts = must(client.GET('/api/analysis/alerts', { params: { query: q } }));
  await Promise.all([
    ...drawWorld(),
    guarded('alerts', async () => {
      const a = await alerts;
      if (mine === generation) views.alerts.draw(a, outline, markets, credit);
    }),
    guarded('alerts-history', async () => {
      const a = await alerts;
      // the market picked (on a map), else the most severe one judged
      const pick =
        a.markets.find((m) => m.market === s.market) ??
        a.markets.find((m) => m.alps !== null) ??
        a.markets[0];
      if (!pick) throw new Error('the series has no market');
      const h = await must(
        client.GET('/api/analysis/alerts/history', {
          params: { query: { ...q, market: pick.market } },
        }),
      );
      if (mine === generation) views.alertHistory.draw(h, pick.name, s, credit);
    }),
    guarded('prices', async () => {
      const rows = await observations;
      if (mine === generation) views.prices.draw(rows, s, credit, names, series.label);
    }),
    guarded('dispersion', async () => {
      const [dispersion, trend, national] = await Promise.all([
        must(client.GET('/api/analysis/dispersion', { params: { query: q } })),
        must(
          client.GET('/api/analysis/trend', { params: { query: { ...q, measure: s.measure } } }),
        ),
        country.subscriptionYears > 0
          ? must(
              client.GET('/api/coverage/national', {
                params: { query: { country: s.country, interval: 'month' } },
              }),
            )
          : null,
      ]);
      if (mine === generation)
        views.dispersion.draw({ dispersion, trend, national, events }, s, credit);
    }),
    guarded('map', async () => {
      // both at once: the markets' coverage and the country's own towers
      const [coverage, towers] = await Promise.all([
        must(client.GET('/api/coverage/markets', { params: { query: { country: s.country } } })),
        must(client.GET('/api/coverage/towers', { params: { query: { country: s.country } } })),
      ]);
      // only the markets of the series shown (a country's other markets have no price here)
      const ours = await seriesMarkets;
      const shownMarkets = markets.filter((m) => ours.has(m.id));
      const covered = { ...coverage, markets: coverage.markets.filter((m) => ours.has(m.market)) };
      if (mine === generation)
        views.map.draw(
          {
            outline,
            markets: shownMarkets,
            coverage: covered.markets.length ? covered : null,
            towers,
          },
          s,
        );
    }),
    guarded('network', async () => {
      const query = await pairQuery;
      const network = await must(client.GET('/api/analysis/network', { params: { query } }));
      if (mine === generation) views.network.draw(network, markets, outline, s, credit);
    }),
    // one report feeds three views; each says so in its own place when it cannot be had
    ...(() => {
      const report = pairQuery.then((query) =>
        must(client.GET('/api/analysis/convergence', { params: { query } })),
      );
      return [
        guarded('half-lives', async () => {
          const r = await report;
          if (mine === generation) views.halfLives.draw(r, s, credit);
        }),
        guarded('regression', async () => {
          const r = await report;
          if (mine === generation) views.regression.draw(r, s, credit);
        }),
        guarded('report', async () => {
          clearReport();
          const r = await report;
          if (mine === generation) drawReport(r);
        }),
      ];
    })(),
  ]);
  if (mine === generation) document.body.dataset.ready = 'true';
}

function wire(): void {
  const reload = () => {
    writeState(state);
    void render();
  };
  controls.country.addEventListener('change', () => {
    state = {
      ...state,
      country: controls.country.value,
      unit: undefined,
      priceType: undefined,
      currency: undefined,
      market: undefined,
    };
    reload();
  });
  controls.commodity.addEventListener('change', () => {
    state = {
      ...state,
      commodity: controls.commodity.value,
      unit: undefined,
      priceType: undefined,
      currency: undefined,
    };
    reload();
  });
  controls.series.addEventListener('change', () => {
    const [unit, priceType, currency] = controls.series.value.split('|');
    state = { ...state, unit, priceType, currency };
    reload();
  });
  controls.measure.addEventListener('change', () => {
    state = { ...state, measure: MEASURES.find((m) => m === controls.measure.value) ?? 'cv' };
    reload();
  });
  controls.log.addEventListener('change', () => {
    state = { ...state, log: controls.log.checked };
    reload();
  });
  const range = () => {
    state = {
      ...state,
      from: controls.from.value || undefined,
      to: controls.to.value || undefined,
    };
    reload();
  };
  controls.from.addEventListener('change', range);
  controls.to.addEventListener('change', range);
  $('sources-download').addEventListener('click', () => {
    void must(client.GET('/api/sources')).then((sources) =>
      downloadCsv(sourcesCsv(sources), 'sources.csv'),
    );
  });
  window.addEventListener('popstate', () => {
    state = readState();
    void render();
  });
}

async function main(): Promise<void> {
  const early = referenceOf(state.country);
  early.catch(() => undefined); // a country the data lack: render() asks again for another
  countries = await must(client.GET('/api/countries'));
  controls.country.replaceChildren(
    ...countries.map((c) => option(c.iso3, `${c.name} (${c.observations})`)),
  );
  wire();
  await render(early);
}

main().catch((err: Error) => {
  $('status').textContent = `Could not load: ${err.message}`;
  document.body.dataset.ready = 'error';
});
