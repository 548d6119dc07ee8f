import path from 'node:path';
import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import { readCsvRecords, REFERENCE_DIR } from '../prices/reference-data.service';

export const ITU_SERIES = 'itu_subscriptions_per_100';

// The national mobile series shipped in data/reference: ITU subscriptions per 100 people (annual,
// dated December 31 of their year, as ITU reports year-end values) and dated operator milestones.
@Injectable()
export class MobileSeriesService {
  constructor(private readonly prisma: PrismaService) {}

  async load(dir = REFERENCE_DIR): Promise<number> {
    const itu = await readCsvRecords(path.join(dir, 'itu-mobile-subscriptions-per-100.csv'));
    const milestones = await readCsvRecords(path.join(dir, 'operator-milestones.csv'));
    const points = [
      ...itu.map((r) => ({
        series: ITU_SERIES,
        operator: 'all',
        date: new Date(`${r.year}-12-31T00:00:00Z`),
        value: Number(r.subscriptions_per_100),
        note: null,
        sourceUrl: null,
        provenance:
          'ITU World Telecommunication/ICT Indicators via the World Bank (year-end value)',
      })),
      ...milestones.map((r) => ({
        series: r.metric,
        operator: r.operator,
        date: new Date(`${r.date}T00:00:00Z`),
        value: Number(r.value),
        note: r.note || null,
        sourceUrl: r.source || null,
        provenance: 'operator milestone from a press or research report',
      })),
    ];
    await this.prisma.$transaction(
      points.map((p) =>
        this.prisma.mobileSeriesPoint.upsert({
          where: {
            country_series_operator_date: {
              country: 'PRK',
              series: p.series,
              operator: p.operator,
              date: p.date,
            },
          },
          create: p,
          update: {
            value: p.value,
            note: p.note,
            sourceUrl: p.sourceUrl,
            provenance: p.provenance,
          },
        }),
      ),
    );
    return points.length;
  }
}
