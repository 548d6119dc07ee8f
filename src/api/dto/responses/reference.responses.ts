import { ApiProperty } from '@nestjs/swagger';
import { Bool, Day, Instant, Int, Many, MapOf, Num, One, Str, Strs } from './props';

export const RUN_STATUSES = ['running', 'succeeded', 'partial', 'failed', 'abandoned'] as const;

export class EventWindowDto {
  @Day() from!: string;
  @Day() to!: string;
  @Str() name!: string;
}

export class BreakCandidateDto {
  @Day() date!: string;
  @Str('why the date is a candidate') reason!: string;
}

export class PlaceboSeriesDto {
  @Str('the commodity id of the placebo series') commodity!: string;
  @Str() label!: string;
  @Str('why coverage should not move its gaps') premise!: string;
}

export class CountryEventsDto {
  @One(() => EventWindowDto, 'a control window (null: none known)', { nullable: true })
  borderClosure!: EventWindowDto | null;
  @Strs('candidate break dates') breakCandidates!: string[];
  @Many(() => BreakCandidateDto, 'the candidate break dates with their reasons')
  breaks!: BreakCandidateDto[];
  @One(() => PlaceboSeriesDto, "the report's placebo series (null: none known)", {
    nullable: true,
  })
  placebo!: PlaceboSeriesDto | null;
}

export class CountryDto {
  @Str('ISO 3166-1 alpha-3', { example: 'PRK' }) iso3!: string;
  @Str() name!: string;
  @Int() observations!: number;
  @Int() markets!: number;
  @Int() commodities!: number;
  @Day('first survey date', { nullable: true }) from!: string | null;
  @Day('last survey date', { nullable: true }) to!: string | null;
  @Int(
    'year-end values of its mobile subscriptions per 100 people (0: none stored, and national coverage is a 400)',
  )
  subscriptionYears!: number;
  @One(() => CountryEventsDto) events!: CountryEventsDto;
}

export class MarketDto {
  @Str('unique across countries', { example: 'pyongyang' }) id!: string;
  @Str('ISO 3166-1 alpha-3') country!: string;
  @Str() name!: string;
  @Str('Korean name', { nullable: true }) nameKo!: string | null;
  @Str(undefined, { nullable: true }) province!: string | null;
  @Str(undefined, { nullable: true }) admin1!: string | null;
  @Str(undefined, { nullable: true }) admin2!: string | null;
  @Num('WGS84', { nullable: true }) latitude!: number | null;
  @Num('WGS84', { nullable: true }) longitude!: number | null;
  @Str('city or region') kind!: string;
  @Strs('other spellings') aliases!: string[];
  @Str("the publisher's own code, namespaced by source (WFP: wfp-hdx:<market_id>)", {
    nullable: true,
    example: 'wfp-hdx:100',
  })
  externalId!: string | null;
  @Str(
    'the name to show (report sentences, legends, labels): the name, with admin1 where two markets of the country share it',
    { example: 'Sadar (Dhaka)' },
  )
  displayName!: string;
}

export class CommoditySeriesDto {
  @Str('unit as published', { example: 'KPW/kg' }) unit!: string;
  @Str(undefined, { example: 'retail' }) priceType!: string;
  @Str("the series' most frequent currency (ISO 4217)", { example: 'KES' }) currency!: string;
  @Str('the unit with its currency, per kg or litre where the unit allows', { example: 'KES/kg' })
  label!: string;
  @Int() observations!: number;
}

export class CommodityListingDto {
  @Str('lower-case slug of the published name', { example: 'maize-white' }) id!: string;
  @Str('as published') name!: string;
  @Str('food, fuel, currency, other') category!: string;
  @Str('the category as published', { nullable: true }) categoryRaw!: string | null;
  @Str("the publisher's own code, namespaced by source (WFP: wfp-hdx:<commodity_id>)", {
    nullable: true,
    example: 'wfp-hdx:52',
  })
  externalId!: string | null;
  @Str("with country: the unit of the commodity's most observed series there", {
    nullable: true,
  })
  defaultUnit!: string | null;
  @Str("with country: the currency of the commodity's most observed series there", {
    nullable: true,
  })
  defaultCurrency!: string | null;
  @Many(() => CommoditySeriesDto, "the commodity's series in the country")
  series!: CommoditySeriesDto[];
}

export class RunDto {
  @Int() id!: number;
  @Str() source!: string;
  @Str('cron, cli, api, startup') trigger!: string;
  @Str('live, archive, replay, import') mode!: string;
  @Str(undefined, { enum: RUN_STATUSES }) status!: string;
  @Instant() startedAt!: string;
  @Instant(undefined, { nullable: true }) finishedAt!: string | null;
  @Int() rowsInserted!: number;
  @Int() rowsUpdated!: number;
  @Int() rowsUnchanged!: number;
  @Int() rowsRejected!: number;
  @Int() rowsParsed!: number;
  @Str(undefined, { nullable: true }) warning!: string | null;
  @Str(
    'network, timeout, http_status, body_too_large, layout_changed, encoding, database, lease_lost, ...',
    { nullable: true },
  )
  errorKind!: string | null;
  @Str(undefined, { nullable: true }) errorMessage!: string | null;
}

export class SourceDto {
  @Str() id!: string;
  @Str() name!: string;
  @Str() homeUrl!: string;
  @Str('show it wherever the numbers are shown') credit!: string;
  @Str(
    'what its runs write: observations (price publishers and price files), towers (a tower registry, source towers:<name>) or subscriptions',
    {
      enum: ['observations', 'towers', 'subscriptions'],
    },
  )
  writes!: string;
  @Int('observations stored') observations!: number;
  @Str(undefined, { enum: ['ok', 'failing', 'never-run'] }) status!: string;
  @Instant('the first failed run after the last success', { nullable: true })
  failingSince!: string | null;
  @Str('the last run parsed far fewer rows than recent runs', { nullable: true })
  warning!: string | null;
  @Instant(undefined, { nullable: true }) lastSuccessAt!: string | null;
  @One(() => RunDto, undefined, { nullable: true }) lastRun!: RunDto | null;
  @Str('cron expression of its schedule (null: not scheduled)', { nullable: true })
  schedule!: string | null;
  @Bool(
    'true when the source has not succeeded for longer than twice its schedule (or has never succeeded)',
  )
  stale!: boolean;
}

export class HealthCountsDto {
  @Int() observations!: number;
  @Int() revisions!: number;
  @Int() markets!: number;
  @Int() commodities!: number;
  @Int() sources!: number;
  @Int() mobileSeriesPoints!: number;
}

export class StartupStepDto {
  @Str(undefined, { enum: ['sample-towers', 'archive', 'shipped-wfp', 'shipped-wdi'] })
  step!: string;
  @Str(undefined, { enum: ['pending', 'ok', 'skipped', 'failed'] }) status!: string;
  @Int() attempts!: number;
  @Str(undefined, { nullable: true }) lastError!: string | null;
  @Instant(undefined, { nullable: true }) nextRetryAt!: string | null;
}

export class StartupRecoveryDto {
  @Int() leasesCleared!: number;
  @Int() runsAbandoned!: number;
  @Int() towerImportsAbandoned!: number;
}

export class StartupDto {
  @Many(() => StartupStepDto) steps!: StartupStepDto[];
  @One(() => StartupRecoveryDto) recovered!: StartupRecoveryDto;
}

export class StorageDto {
  @Str('the embedded database folder') path!: string;
  @Int('free space on the disk holding it, in MiB') freeMiB!: number;
  @Int('the free space every write keeps in reserve (DISK_RESERVE_MB)') reserveMiB!: number;
  @Bool(
    'whether writes are accepted: false while the disk has less than the reserve free (writes answer 507), or once the database has stopped on a full disk',
  )
  writable!: boolean;
  @Str('why writes are refused, when they are', { optional: true }) reason?: string;
}

export class HealthDto {
  @Str(
    '`degraded` while a start-up step has failed and is being retried, or while writes are refused for a full disk',
    { enum: ['ok', 'degraded'] },
  )
  status!: string;
  @Str(undefined, { enum: ['pglite', 'postgres'] }) database!: string;
  @One(
    () => StorageDto,
    'the disk under the embedded database (absent on a PostgreSQL server, whose disk is its own)',
    { optional: true },
  )
  storage?: StorageDto;
  @Int() uptimeSeconds!: number;
  @One(() => HealthCountsDto) counts!: HealthCountsDto;
  @One(() => StartupDto) startup!: StartupDto;
  @MapOf(() => RunDto, 'the last finished run of each source, by source id')
  lastRuns!: Record<string, RunDto>;
}

export class OutlineGeometryDto {
  @Str(undefined, { enum: ['Polygon', 'MultiPolygon'] }) type!: string;
  @ApiProperty({
    type: 'array',
    items: {},
    description: 'GeoJSON rings of [longitude, latitude] positions (WGS84)',
  })
  coordinates!: unknown[];
}

export class OutlinePropertiesDto {
  @Str() iso3!: string;
  @Str() name!: string;
  @Str('where the boundary comes from') source!: string;
}

export class CountryOutlineDto {
  @Str(undefined, { enum: ['Feature'] }) type!: string;
  @One(() => OutlineGeometryDto) geometry!: OutlineGeometryDto;
  @One(() => OutlinePropertiesDto) properties!: OutlinePropertiesDto;
}

export class WorldFeaturePropertiesDto {
  @Str('ISO 3166-1 alpha-3; null where Natural Earth draws an area without one', { nullable: true })
  iso3!: string | null;
  @Str() name!: string;
}

export class WorldFeatureDto {
  @Str(undefined, { enum: ['Feature'] }) type!: string;
  @One(() => OutlineGeometryDto) geometry!: OutlineGeometryDto;
  @One(() => WorldFeaturePropertiesDto) properties!: WorldFeaturePropertiesDto;
}

export class WorldOutlineDto {
  @Str(undefined, { enum: ['FeatureCollection'] }) type!: string;
  @Str('where the boundaries come from') source!: string;
  @Many(() => WorldFeatureDto) features!: WorldFeatureDto[];
}
