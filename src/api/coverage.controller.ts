import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Query,
  Req,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Inject } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { CoverageService, INTERPOLATION_METHOD } from '../coverage/coverage.service';
import { TowerImportService } from '../coverage/tower-import.service';
import { ImportRunner } from '../ingestion/import-runner.service';
import { AreaShareService } from '../coverage/area-share.service';
import { AREA_LIMITS, validateArea } from '../coverage/area-validation';
import { CatalogueService } from '../prices/catalogue.service';
import { ReferenceIdsService } from '../prices/reference-ids.service';
import { AdminTokenGuard, triggerOf } from './admin-token.guard';
import { importTowerUpload, TOWER_BODY, TOWER_IMPORT_DESCRIPTION } from './tower-upload';
import type { Request } from 'express';
import { PrismaService } from '../database/prisma.service';
import { NoQueryDto } from './dto/validators';
import { DEFAULT_COUNTRY } from '../analysis/events';

const MAX_GRID_POINTS = 20_000;
import {
  AreaQueryDto,
  MarketsCoverageQueryDto,
  NationalCoverageQueryDto,
  TowerImportQueryDto,
  TowersQueryDto,
} from './dto/coverage.dto';
import {
  AreaShareDto,
  MarketAreaShareDto,
  MarketCoverageSeriesDto,
  MarketsCoverageDto,
  NationalCoverageDto,
  PairsCoverageDto,
  TowerCollectionDto,
  TowerImportDto,
  TowerImportReportDto,
} from './dto/responses/coverage.responses';

const COVERAGE_DEFINITION =
  'A tower covers the points within its radius (COVERAGE_RADIUS_KM, default 5 km, the Digital Atlas estimate; per radio type with COVERAGE_RADIUS_BY_RADIO) from its first-seen date on. ' +
  'A market (its gazetteer city-centre point) is covered at a date when at least one such tower was first seen on or before that date; firstCovered is the earliest such date; towersInRange counts them. ' +
  'Dates: first_seen_kind record_created (OpenCelliD `created`: when the record was made, not when the tower went up, so coverage may be older) or observed (e.g. first satellite image). ' +
  'towerSources names the registries used; synthetic-sample is made-up demonstration data, not real towers.';

const today = () => new Date().toISOString().slice(0, 10);

@ApiTags('coverage')
@Controller('coverage')
export class CoverageController {
  constructor(
    private readonly catalogue: CatalogueService,
    private readonly ids: ReferenceIdsService,
    private readonly coverage: CoverageService,
    private readonly imports: TowerImportService,
    private readonly runner: ImportRunner,
    private readonly areas: AreaShareService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly prisma: PrismaService,
  ) {}

  // The registries with towers in a market's own country (the only ones that can reach it).
  private async sourcesFor(id: string): Promise<string[]> {
    const market = (await this.catalogue.listMarkets()).find((m) => m.id === id);
    return this.coverage.towerSources(market?.country);
  }

  // Why a market has no coverage of its own: unknown, or a region without a point.
  private async notAPoint(id: string): Promise<NotFoundException> {
    const market = (await this.catalogue.listMarkets()).find((m) => m.id === id);
    return new NotFoundException(
      market
        ? `market: ${id} is a ${market.kind} without coordinates; tower coverage is computed at a point (POST /api/coverage/area-share takes a polygon)`
        : `market: unknown id ${id}`,
    );
  }

  @Get('national')
  @ApiOperation({
    summary:
      'National mobile subscriptions per 100 people, interpolated on a date grid, with the dated source values',
    description: `${INTERPOLATION_METHOD} values: the interpolated series on the grid (null before the first value). sourceValues: every stored value (ITU annual figures and operator milestones: subscribers, base stations, mapped towers, population covered) with its source URL and provenance.`,
  })
  @ApiOkResponse({ type: NationalCoverageDto })
  async national(@Query() q: NationalCoverageQueryDto) {
    const from = q.from ?? '2008-01-01';
    const to = q.to ?? `${new Date().getUTCFullYear()}-12-31`;
    if (from > to) throw new BadRequestException('from: must not be after to');
    const interval = q.interval ?? 'month';
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
    // the grid is bounded: a far date is refused at once, never computed
    const points = Math.ceil(days / (interval === 'day' ? 1 : interval === 'month' ? 28 : 365)) + 1;
    if (points > MAX_GRID_POINTS)
      throw new BadRequestException(
        `to: from ${from} to ${to} by ${interval} is about ${points} grid points; at most ${MAX_GRID_POINTS} per request`,
      );
    const country = q.country ?? DEFAULT_COUNTRY;
    if (!(await this.coverage.hasNationalSeries(country)))
      throw new BadRequestException(
        `country: no national mobile-subscription series is stored for ${country}; import one with npm run cli -- import subscriptions <file>`,
      );
    return { country, ...(await this.coverage.national(from, to, interval, country)) };
  }

  @Get('markets')
  @ApiOperation({ summary: 'Coverage of every market at a date', description: COVERAGE_DEFINITION })
  @ApiOkResponse({ type: MarketsCoverageDto })
  async markets(@Query() q: MarketsCoverageQueryDto) {
    const date = q.date ?? today();
    return {
      date,
      radiusKm: this.config.coverage.radiusKm,
      towerSources: await this.coverage.towerSources(q.country),
      markets: await this.coverage.marketsAt(date, q.country),
    };
  }

  @Get('pairs')
  @ApiOperation({
    summary: 'Market pairs and whether both markets are covered at a date (Aker 2010)',
    description: `${COVERAGE_DEFINITION} A pair is both covered from the later of its two first-covered dates (bothCoveredFrom; null while either market has never been covered).`,
  })
  @ApiOkResponse({ type: PairsCoverageDto })
  async pairs(@Query() q: MarketsCoverageQueryDto) {
    const date = q.date ?? today();
    return {
      date,
      towerSources: await this.coverage.towerSources(q.country),
      pairs: await this.coverage.pairsAt(date, q.country),
    };
  }

  @Get('markets/:id/series')
  @ApiOperation({
    summary: "One market's coverage over time",
    description: `${COVERAGE_DEFINITION} steps: each date on which towersInRange changes, with the count from that date on; towers: the towers reaching the market.`,
  })
  @ApiOkResponse({ type: MarketCoverageSeriesDto })
  async marketSeries(@Param('id') id: string, @Query() _query: NoQueryDto) {
    const s = await this.coverage.marketSeries(id);
    if (!s) throw await this.notAPoint(id);
    return {
      ...s,
      radiusKm: this.config.coverage.radiusKm,
      towerSources: await this.sourcesFor(id),
    };
  }

  @Get('markets/:id/area')
  @ApiOperation({
    summary: "Share of a market's surrounding circle inside the tower circles, over time",
    description: `The area is a circle of radiusKm (at most ${AREA_LIMITS.marketRadiusKm} km) around the market point. share = area(A ∩ union of tower circles) / area(A), areas on the sphere (Turf; circles as 64-sided polygons, accurate to about 0.2 %). One step at each first-seen date of a tower that can touch the area.`,
  })
  @ApiOkResponse({ type: MarketAreaShareDto })
  async marketArea(@Param('id') id: string, @Query() q: AreaQueryDto) {
    const radiusKm = q.radiusKm ?? this.config.coverage.areaRadiusKm;
    const steps = await this.areas.marketSteps(id, radiusKm);
    if (!steps) throw await this.notAPoint(id);
    return { market: id, radiusKm, towerSources: await this.sourcesFor(id), steps };
  }

  @Post('area-share')
  @HttpCode(200)
  @ApiBody({
    description:
      'A GeoJSON Feature with a Polygon or MultiPolygon geometry (e.g. a province), WGS84',
  })
  @ApiOperation({
    summary: 'Share of any area inside the tower circles, over time',
    description: `As markets/:id/area, for a polygon given as GeoJSON (Content-Type application/json or application/geo+json). The polygon must be valid: closed rings of at least 4 positions, longitudes -180..180 and latitudes -90..90, a boundary that does not cross itself, at most ${AREA_LIMITS.vertices} positions, at most ${AREA_LIMITS.towers} towers within reach; otherwise 400 naming the problem. The work runs off the event loop, one area at a time; more than 8 waiting: 503 with Retry-After. Answers are cached per tower set.`,
  })
  @ApiOkResponse({ type: AreaShareDto })
  async areaShare(@Body() body: unknown, @Query() _query: NoQueryDto) {
    const area = validateArea(body);
    return {
      towerSources: await this.coverage.towerSources(),
      steps: await this.areas.steps(area),
    };
  }

  @Get('towers')
  @ApiOperation({
    summary: 'The tower registry as GeoJSON',
    description:
      'Point features with country (ISO 3166-1 alpha-3), source, externalId, radio, rangeM and samples (OpenCelliD), firstSeen and firstSeenKind (record_created: OpenCelliD `created`, when the record was made, NOT when the tower went up; observed: first seen in imagery), lastSeen, confidence, coverageRadiusKm.',
  })
  @ApiOkResponse({ type: TowerCollectionDto })
  async towers(@Query() q: TowersQueryDto) {
    if (q.source) {
      const known = await this.coverage.towerSources();
      if (!known.includes(q.source))
        throw new BadRequestException(
          `source: no tower source "${q.source}" (loaded: ${known.join(', ') || 'none'})`,
        );
    }
    // a country the product does not know is a 400; a known one without towers, an empty collection
    if (q.country) await this.ids.assertKnown('country', 'country', [q.country]);
    return this.coverage.towersGeoJson(q.source, q.country);
  }

  @Post('towers/import')
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth()
  @HttpCode(200)
  @ApiBody({ description: TOWER_BODY })
  @ApiOperation({
    summary: 'Import a tower file (one transaction; the same as POST /api/imports/towers)',
    description: TOWER_IMPORT_DESCRIPTION,
  })
  @ApiOkResponse({ type: TowerImportReportDto })
  async import(@Query() q: TowerImportQueryDto, @Body() body: unknown, @Req() req: Request) {
    return importTowerUpload(this.runner, q, body, triggerOf(req, this.prisma));
  }

  @Get('tower-imports')
  @ApiOperation({ summary: 'The tower import ledger, newest first' })
  @ApiOkResponse({ type: TowerImportDto, isArray: true })
  importsList(@Query() _query: NoQueryDto) {
    return this.imports.list();
  }
}
