import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AlertFeedService } from '../analysis/alerts/alert-feed.service';
import { countryName } from '../common/countries';
import { NoQueryDto } from './dto/validators';

const xml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

@ApiTags('analysis')
@Controller()
export class AlertsFeedController {
  constructor(private readonly feed: AlertFeedService) {}

  @Get('alerts.atom')
  @Header('content-type', 'application/atom+xml; charset=utf-8')
  @ApiOperation({
    summary: 'The price alerts as an Atom feed, for people',
    description:
      'The latest 100 alerts of the delivery ledger, newest first: each a market whose series entered ALPS stress, alert or crisis in a month, recorded when a run that wrote its prices ended (the webhook sends the same, signed). Each entry says the country, commodity, market (by name; the ids are in the webhook payload), month, class, ALPS value and price.',
  })
  @ApiProduces('application/atom+xml')
  @ApiOkResponse({
    description: 'Atom 1.0 (RFC 4287)',
    content: { 'application/atom+xml': { schema: { type: 'string' } } },
  })
  async atom(@Query() _q: NoQueryDto): Promise<string> {
    const rows = await this.feed.latest(100);
    const updated = (rows[0]?.createdAt ?? new Date(0)).toISOString();
    const entries = rows.map((r) => {
      const title = `${countryName(r.country)}: ${r.commodityName} at ${r.marketName} in ${r.alpsClass} (ALPS ${r.alps.toFixed(2)}) in ${r.month}`;
      return [
        '  <entry>',
        `    <id>urn:nk-market-tracker:alert:${r.id}</id>`,
        `    <title>${xml(title)}</title>`,
        `    <updated>${r.createdAt.toISOString()}</updated>`,
        `    <category term="${xml(r.alpsClass)}"/>`,
        `    <content type="text">${xml(`${title}. Price ${r.price} ${r.currency} per ${r.unit} (${r.priceType}). ${r.deliveredAt ? `Sent to the webhook ${r.deliveredAt.toISOString()}.` : 'Not sent to a webhook.'}`)}</content>`,
        '  </entry>',
      ].join('\n');
    });
    return [
      '<?xml version="1.0" encoding="utf-8"?>',
      '<feed xmlns="http://www.w3.org/2005/Atom">',
      '  <id>urn:nk-market-tracker:alerts</id>',
      '  <title>Price alerts (WFP ALPS: stress, alert, crisis)</title>',
      '  <link rel="related" href="/api/analysis/alerts/summary"/>',
      `  <updated>${updated}</updated>`,
      '  <author><name>nk-market-tracker</name></author>',
      ...entries,
      '</feed>',
      '',
    ].join('\n');
  }
}
