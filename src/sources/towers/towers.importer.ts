import type { FileHead, TowerFileFormat, TowerFileImporter } from '../shared/file-importer';

// OpenCelliD's radio words: a headerless OpenCelliD export starts with one of them.
const RADIOS = ['gsm', 'umts', 'lte', 'cdma', 'nr'];
const OPENCELLID_NEEDS = ['radio', 'mcc', 'net', 'area', 'cell', 'lon', 'lat', 'created'];

function formatOf(head: FileHead): TowerFileFormat | undefined {
  const text = head.text.replace(/^\uFEFF/, '').trimStart();
  if (text.startsWith('{'))
    return /"(FeatureCollection|Feature)"/.test(text) ? 'geojson' : undefined;
  const h = head.header;
  if (OPENCELLID_NEEDS.every((c) => h.includes(c))) return 'opencellid';
  if (RADIOS.includes(h[0] ?? '') && h.length >= 13 && /^\d{3}$/.test(h[1] ?? ''))
    return 'opencellid';
  const has = (...names: string[]) => names.some((n) => h.includes(n));
  if (has('lat', 'latitude') && has('lon', 'lng', 'longitude') && has('first_seen')) return 'csv';
  return undefined;
}

// Tower registries: OpenCelliD's cell export (each row to its MCC's country), a survey CSV with
// lat, lon and first_seen, or GeoJSON points. Each registry name is a source of its own.
export const TOWERS_IMPORTER: TowerFileImporter = {
  id: 'towers',
  name: 'Tower registry (OpenCelliD cell export, a survey CSV or GeoJSON points)',
  writes: 'towers',
  formats: ['opencellid', 'csv', 'geojson'],
  layout:
    'OpenCelliD radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal (with or without that header); a CSV with lat, lon, first_seen; or a GeoJSON FeatureCollection of points',
  recognises: (head) => formatOf(head) !== undefined,
  formatOf,
  source(registry, format) {
    const opencellid = format === 'opencellid';
    return {
      id: `towers:${registry}`,
      name: `Tower registry ${registry} (${format})`,
      homeUrl: opencellid ? 'https://opencellid.org/' : 'file:',
      credit: opencellid
        ? 'Cell tower positions from OpenCelliD (opencellid.org), CC BY-SA 4.0.'
        : `Tower positions from the ${registry} registry (an imported ${format} file).`,
    };
  },
};
