import { Day, Int, Many, Num, One, Str } from './props';

export class PerBaseUnitDto {
  @Num('the price per kg or per litre') value!: number;
  @Str('kg or l', { enum: ['kg', 'l'] }) unit!: string;
  @Str('how it was converted', { example: 'price / 90 (90 KG = 90 kg)' }) conversion!: string;
}

export class ObservationDto {
  @Day('survey date, or period start') date!: string;
  @Day('end of a weekly period', { nullable: true }) periodEnd!: string | null;
  @Str('ISO 3166-1 alpha-3') country!: string;
  @Str() market!: string;
  @Str() commodity!: string;
  @Str('retail, wholesale, farmgate, ...') priceType!: string;
  @Num('in the currency, per unit') value!: number;
  @Str('as published', { example: 'KPW/kg' }) unit!: string;
  @Str(undefined, { example: 'KPW' }) currency!: string;
  @Num('the price in US dollars, as the publisher gave it', { nullable: true })
  usdValue!: number | null;
  @Str() source!: string;
  @Str('observed, aggregated, imputed') flag!: string;
  @Str("the publisher's own flag word (WFP: actual, aggregate, forecast)", { nullable: true })
  priceFlag!: string | null;
  @Str('the text the value was read from, as published') rawValue!: string;
  @One(() => PerBaseUnitDto, 'where the unit is a multiple of a mass or volume (90 KG, 500 ML)', {
    nullable: true,
  })
  perBaseUnit!: PerBaseUnitDto | null;
}

export class ObservationsPageDto {
  @Many(() => ObservationDto) data!: ObservationDto[];
  @Str('pass as cursor for the next page; null on the last', { nullable: true })
  nextCursor!: string | null;
  @Int() limit!: number;
}
