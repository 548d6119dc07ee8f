import {
  BadRequestException,
  Controller,
  Get,
  Inject,
  NotFoundException,
  Param,
  Query,
} from '@nestjs/common';
import { countryOutline, worldOutline } from '../common/country-outline';
import { CronTime } from 'cron';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { CountryQueryDto, NoQueryDto } from './dto/validators';
import { DEFAULT_COUNTRY, eventsOf, profileOf } from '../analysis/events';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RunLedgerService } from '../ingestion/run-ledger.service';
import { PrismaService } from '../database/prisma.service';
import { CatalogueService } from '../prices/catalogue.service';
import { ReferenceIdsService } from '../prices/reference-ids.service';
import {
  CommodityListingDto,
  CountryOutlineDto,
  WorldOutlineDto,
  CountryDto,
  MarketDto,
  SourceDto,
} from './dto/responses/reference.responses';
import { displayNames } from '../analysis/panel.service';
import { unitLabel } from '../analysis/report-inputs';

@ApiTags('reference')
@Controller()
export class ReferenceController {
  constructor(
    private readonly catalogue: CatalogueService,
    private readonly ids: ReferenceIdsService,
    private readonly ledger: RunLedgerService,
    private readonly prisma: PrismaService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // The time between two runs of a source's schedule, in ms (null when it has none).
  private scheduleOf(sourceId: string): { cron: string; everyMs: number } | null {
    const cron = this.config.sources[sourceId]?.cron;
    if (cron === undefined) return null;
    const [a, b] = new CronTime(String(cron), 'UTC').sendAt(2);
    return { cron: String(cron), everyMs: b.toMillis() - a.toMillis() };
  }

  @Get('countries')
  @ApiOperation({
    summary: 'Countries with their numbers',
    description:
      "iso3 (ISO 3166-1 alpha-3), name, observations, markets, commodities, the first and last survey dates (from, to), and events: the country's known event window (borderClosure, used by controls=border), candidate break dates (used by the trend tests and the report's periods) with their reasons (breaks), and the report's placebo series; all read from data/reference/country-report-profiles.json.",
  })
  @ApiOkResponse({ type: CountryDto, isArray: true })
  async countries(@Query() _query: NoQueryDto) {
    return (await this.catalogue.listCountries()).map((c) => ({
      ...c,
      events: {
        borderClosure: null,
        ...eventsOf(c.iso3),
        breaks: profileOf(c.iso3).breaks,
        placebo: profileOf(c.iso3).placebo ?? null,
      },
    }));
  }

  @Get('world/outline')
  @ApiOperation({
    summary: 'Every country’s outline as GeoJSON, for the world map drawn offline',
    description:
      'Natural Earth 1:110m admin-0 boundaries (public domain, via the world-atlas package) as one FeatureCollection: each feature has its ISO 3166-1 alpha-3 code (null where Natural Earth draws an area without one) and name. The dashboard’s world view shades the countries of the cross-country test on it.',
  })
  @ApiOkResponse({ type: WorldOutlineDto })
  world(@Query() _query: NoQueryDto) {
    return worldOutline();
  }

  @Get('countries/:iso3/outline')
  @ApiOperation({
    summary: "A country's outline as GeoJSON, for maps drawn offline",
    description:
      "Natural Earth 1:50m admin-0 boundaries (public domain, via the world-atlas package), as one GeoJSON Feature with a Polygon or MultiPolygon of [longitude, latitude] positions. Any ISO 3166-1 alpha-3 code Natural Earth draws; otherwise 404. The dashboard draws its map from this and the markets' coordinates: no tile server.",
  })
  @ApiOkResponse({ type: CountryOutlineDto })
  outline(@Param('iso3') iso3: string, @Query() _query: NoQueryDto) {
    if (!/^[A-Z]{3}$/.test(iso3))
      throw new BadRequestException('iso3: an ISO 3166-1 alpha-3 code in capitals, such as PRK');
    const outline = countryOutline(iso3);
    if (!outline) throw new NotFoundException(`iso3: no outline for ${iso3}`);
    return outline;
  }

  @Get('markets')
  @ApiOperation({
    summary: "A country's markets: cities and regions with coordinates",
    description:
      'id (unique across countries), country, name, nameKo (Korean), province, admin1, admin2, latitude and longitude (WGS84), kind (city or region), aliases, displayName (the name the report, legends and labels use: the name, with admin1 where two markets of the country share it). country: default PRK.',
  })
  @ApiOkResponse({ type: MarketDto, isArray: true })
  async markets(@Query() q: CountryQueryDto) {
    const country = q.country ?? DEFAULT_COUNTRY;
    await this.ids.assertKnown('country', 'country', [country]);
    const markets = await this.catalogue.listMarkets(country);
    const names = displayNames(markets.map((m) => ({ ...m, admin1: m.admin1 ?? m.province })));
    return markets.map((m) => ({ ...m, displayName: names.get(m.id) ?? m.name }));
  }

  @Get('commodities')
  @ApiOperation({
    summary: 'Commodities, with their series in a country',
    description:
      'id (a lower-case slug of the published name), name (as published), category (food, fuel, currency, other; categoryRaw as published), defaultUnit and defaultCurrency (with country: those of its most observed series there), and series: the (unit, priceType, currency) series the commodity has in the country (one series never mixes currencies: the same unit in two currencies is two series), with a label with the currency (KES/kg) and observation counts (analysis takes one at a time). Without country: every commodity, series in PRK; with country: the commodities observed there.',
  })
  @ApiOkResponse({ type: CommodityListingDto, isArray: true })
  async commodities(@Query() q: CountryQueryDto) {
    const country = q.country ?? DEFAULT_COUNTRY;
    await this.ids.assertKnown('country', 'country', [country]);
    const [all, series] = await Promise.all([
      this.catalogue.listCommodities(),
      this.catalogue.seriesByCommodity(country),
    ]);
    return all
      .filter((c) => q.country === undefined || series.has(c.id))
      .map((c) => {
        // in a named country, its own most observed series sets the defaults (Kenyan rice is
        // KES per KG, not the KPW per kg of the commodity's first country)
        const own = (series.get(c.id) ?? []).map((x) => ({
          ...x,
          label: unitLabel(x.currency, x.unit) ?? x.unit,
        }));
        return q.country === undefined || !own.length
          ? { ...c, series: own }
          : { ...c, defaultUnit: own[0].unit, defaultCurrency: own[0].currency, series: own };
      });
  }

  @Get('sources')
  @ApiOperation({
    summary:
      'Sources (price publishers, price files, tower registries, subscription files) and the state of their runs',
    description:
      'id, name, homeUrl, credit (show it wherever the numbers are shown), writes (observations, towers or subscriptions: every import is a run of its source), observations stored, lastRun, lastSuccessAt, status: ok (last run succeeded or partial), failing (failingSince: the first failed run after the last success), never-run; warning: the last run parsed less than half the median of recent runs. schedule: the cron expression of its runs (UTC; null for a file import such as wfp-hdx); stale: it has not succeeded for longer than twice the time between two scheduled runs (or it has run and never succeeded).',
  })
  @ApiOkResponse({ type: SourceDto, isArray: true })
  async sources(@Query() _query: NoQueryDto) {
    const [sources, last, counts] = await Promise.all([
      this.prisma.source.findMany({ orderBy: { id: 'asc' } }),
      this.ledger.lastBySource(),
      this.catalogue.observationsBySource(),
    ]);
    const now = Date.now();
    return sources.map((s) => {
      const l = last.get(s.id);
      const schedule = this.scheduleOf(s.id);
      const lastSuccess = l?.lastSuccessAt ? Date.parse(l.lastSuccessAt) : null;
      const stale =
        schedule !== null &&
        (lastSuccess === null ? l !== undefined : now - lastSuccess > 2 * schedule.everyMs);
      return {
        id: s.id,
        name: s.name,
        homeUrl: s.homeUrl,
        credit: s.credit,
        writes: s.writes,
        observations: counts.get(s.id) ?? 0,
        status: !l ? 'never-run' : l.last.status === 'failed' ? 'failing' : 'ok',
        failingSince: l?.failingSince ?? null,
        // set when the last run parsed far fewer rows than recent runs did (a silent layout change?)
        warning: l?.last.warning ?? null,
        lastSuccessAt: l?.lastSuccessAt ?? null,
        lastRun: l?.last ?? null,
        schedule: schedule?.cron ?? null,
        stale,
      };
    });
  }
}
