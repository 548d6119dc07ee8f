import type { SubscriptionFileImporter } from '../shared/file-importer';

// Mobile-cellular subscriptions per 100 people for any country: the World Bank's WDI download
// (API_IT.CEL.SETS.P2_DS2_...csv: metadata lines, then "Country Code", "Indicator Code" and a
// column per year) or a long CSV with the header country,year,value.
export const SUBSCRIPTIONS_IMPORTER: SubscriptionFileImporter = {
  id: 'subscriptions',
  name: 'Mobile subscriptions per 100 people (World Bank WDI IT.CEL.SETS.P2, or a long CSV)',
  writes: 'subscriptions',
  layout:
    'the WDI download (metadata lines, then "Country Name","Country Code","Indicator Name","Indicator Code","1960",...), or country,year,value',
  recognises: (head) =>
    (/"?Country Code"?\s*,/.test(head.text) && /"?Indicator Code"?\s*,/.test(head.text)) ||
    ['country', 'year', 'value'].every((c) => head.header.includes(c)),
  source: {
    id: 'subscriptions',
    name: 'Mobile subscriptions per 100 people (World Bank WDI IT.CEL.SETS.P2, or a long CSV)',
    homeUrl: 'https://data.worldbank.org/indicator/IT.CEL.SETS.P2',
    credit:
      'Mobile cellular subscriptions per 100 people: ITU, via the World Bank World Development Indicators (IT.CEL.SETS.P2), CC BY 4.0.',
  },
};
