import { Bool, Day, Instant, Int, Many, MapOf, Num, Nums, One, Str, Strs } from './props';
import { ERROR_KINDS } from '../../../common/domain-error';
import { RunDto } from './reference.responses';

export class DatedValueDto {
  @Day() date!: string;
  @Num('subscriptions per 100 people; null before the first value', { nullable: true })
  value!: number | null;
}

export class SourceValueDto {
  @Str() series!: string;
  @Str() operator!: string;
  @Day() date!: string;
  @Num() value!: number;
  @Str(undefined, { nullable: true }) note!: string | null;
  @Str(undefined, { nullable: true }) sourceUrl!: string | null;
  @Str() provenance!: string;
}

export class NationalCoverageDto {
  @Str() country!: string;
  @Str() series!: string;
  @Str() unit!: string;
  @Str() method!: string;
  @Str(undefined, { enum: ['day', 'month', 'year'] }) interval!: string;
  @Many(() => DatedValueDto) values!: DatedValueDto[];
  @Many(() => SourceValueDto) sourceValues!: SourceValueDto[];
}

export class MarketCoverageDto {
  @Str() market!: string;
  @Str() name!: string;
  @Bool() covered!: boolean;
  @Day(undefined, { nullable: true }) firstCovered!: string | null;
  @Int() towersInRange!: number;
}

export class MarketsCoverageDto {
  @Day() date!: string;
  @Num() radiusKm!: number;
  @Strs() towerSources!: string[];
  @Many(() => MarketCoverageDto) markets!: MarketCoverageDto[];
}

export class PairCoverageDto {
  @Str() a!: string;
  @Str() b!: string;
  @Bool() bothCovered!: boolean;
  @Day(undefined, { nullable: true }) bothCoveredFrom!: string | null;
}

export class PairsCoverageDto {
  @Day() date!: string;
  @Strs() towerSources!: string[];
  @Many(() => PairCoverageDto) pairs!: PairCoverageDto[];
}

export class CoverageStepDto {
  @Day() date!: string;
  @Int() towersInRange!: number;
}

export class ReachingTowerDto {
  @Int() id!: number;
  @Num() latitude!: number;
  @Num() longitude!: number;
  @Str(undefined, { nullable: true }) radio!: string | null;
  @Day() firstSeen!: string;
}

export class MarketCoverageSeriesDto {
  @Str() market!: string;
  @Str() name!: string;
  @Day(undefined, { nullable: true }) firstCovered!: string | null;
  @Many(() => CoverageStepDto) steps!: CoverageStepDto[];
  @Many(() => ReachingTowerDto) towers!: ReachingTowerDto[];
  @Num() radiusKm!: number;
  @Strs() towerSources!: string[];
}

export class ShareStepDto {
  @Day() date!: string;
  @Num('share of the area inside the tower circles, 0..1') share!: number;
  @Int() towers!: number;
}

export class AreaShareDto {
  @Strs() towerSources!: string[];
  @Many(() => ShareStepDto) steps!: ShareStepDto[];
}

export class MarketAreaShareDto extends AreaShareDto {
  @Str() market!: string;
  @Num() radiusKm!: number;
}

export class PointGeometryDto {
  @Str(undefined, { enum: ['Point'] }) type!: string;
  @Nums('[longitude, latitude]') coordinates!: number[];
}

export class TowerPropertiesDto {
  @Int() id!: number;
  @Str("ISO 3166-1 alpha-3: the MCC's country (OpenCelliD) or the import's (a survey)")
  country!: string;
  @Str() source!: string;
  @Str() externalId!: string;
  @Str(undefined, { nullable: true }) radio!: string | null;
  @Int(undefined, { nullable: true }) rangeM!: number | null;
  @Int(undefined, { nullable: true }) samples!: number | null;
  @Day() firstSeen!: string;
  @Str('record_created or observed') firstSeenKind!: string;
  @Day(undefined, { nullable: true }) lastSeen!: string | null;
  @Num(undefined, { nullable: true }) confidence!: number | null;
  @Num() coverageRadiusKm!: number;
}

export class TowerFeatureDto {
  @Str(undefined, { enum: ['Feature'] }) type!: string;
  @One(() => PointGeometryDto) geometry!: PointGeometryDto;
  @One(() => TowerPropertiesDto) properties!: TowerPropertiesDto;
}

export class TowerCollectionDto {
  @Str(undefined, { enum: ['FeatureCollection'] }) type!: string;
  @Many(() => TowerFeatureDto) features!: TowerFeatureDto[];
}

export class RowRejectionDto {
  @Int('line or row in the file') row!: number;
  @Str() reason!: string;
}

export class TowerImportDto {
  @Int() id!: number;
  @Str() source!: string;
  @Str('opencellid, csv, geojson') format!: string;
  @Str("the country the import named (null: each OpenCelliD row's MCC decided)", { nullable: true })
  country!: string | null;
  @Str(undefined, { nullable: true }) fileName!: string | null;
  @Instant() startedAt!: string;
  @Instant(undefined, { nullable: true }) finishedAt!: string | null;
  @Str('running, succeeded, partial, failed, abandoned') status!: string;
  @Int() rowsRead!: number;
  @Int() inserted!: number;
  @Int() updated!: number;
  @Int() unchanged!: number;
  @Int() merged!: number;
  @Int() rejected!: number;
  @Str(undefined, { nullable: true }) errorMessage!: string | null;
  @Str('host:pid:nonce of the process that ran it', { nullable: true }) holder!: string | null;
  @Int('its run in the run ledger (null: an import from before runs were kept for towers)', {
    nullable: true,
  })
  runId!: number | null;
}

export class TowerImportReportDto {
  @Int() id!: number;
  @Str() source!: string;
  @Str() format!: string;
  @Str("the country the import named (null: each OpenCelliD row's MCC decided)", { nullable: true })
  country!: string | null;
  @MapOf('integer', 'towers kept, by country (ISO 3166-1 alpha-3)') countries!: Record<
    string,
    number
  >;
  @Str(undefined, { enum: ['succeeded', 'partial', 'failed'] }) status!: string;
  @Int() rowsRead!: number;
  @Int() inserted!: number;
  @Int() updated!: number;
  @Int() unchanged!: number;
  @Int() merged!: number;
  @Int() rejected!: number;
  @Many(() => RowRejectionDto, 'the first 1,000') rejections!: RowRejectionDto[];
  @Str(undefined, { nullable: true }) errorMessage!: string | null;
  @Str('what kind of failure (null: none)', {
    nullable: true,
    enum: [...Object.keys(ERROR_KINDS), 'internal'],
  })
  errorKind!: string | null;
  @One(() => RunDto, 'its run in the run ledger (source towers:<source>)') run!: RunDto;
}
