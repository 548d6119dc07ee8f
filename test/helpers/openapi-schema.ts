import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import openapi from '../../openapi.json';

// Validates answers against the committed openapi.json. OpenAPI 3.0's schema dialect is turned into
// JSON Schema (nullable becomes a null alternative), and every object that lists its properties is
// closed (additionalProperties: false): an answer carrying a field its schema does not declare fails,
// so the document cannot fall behind the code.

type Schema = Record<string, unknown>;
type Doc = {
  paths: Record<string, Record<string, { responses: Record<string, Response> }>>;
  components: { schemas: Record<string, Schema> };
};
type Response = { content?: Record<string, { schema?: Schema }> };

export const API = openapi as unknown as Doc;

function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert);
  if (!node || typeof node !== 'object') return node;
  const s: Schema = {};
  for (const [k, v] of Object.entries(node as Schema)) {
    if (k === 'nullable' || k === 'example') continue;
    if (k === '$ref') s.$ref = (v as string).replace('#/components/schemas/', 'api#/definitions/');
    else if (k === 'properties')
      s.properties = Object.fromEntries(
        Object.entries(v as Schema).map(([name, p]) => [name, convert(p)]),
      );
    else s[k] = convert(v);
  }
  if (s.properties && s.additionalProperties === undefined) s.additionalProperties = false;
  // allOf beside type: object (a nullable reference) would make the object check redundant
  if (s.allOf && s.type === 'object' && !s.properties) delete s.type;
  return (node as Schema).nullable ? { anyOf: [s, { type: 'null' }] } : s;
}

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: 'api', definitions: convert(API.components.schemas) as Schema });

const compiled = new Map<string, ValidateFunction>();

// The validator of an operation's success answer in a content type.
export function validatorFor(
  method: string,
  pathTemplate: string,
  status: number,
  contentType = 'application/json',
): ValidateFunction {
  const key = `${method} ${pathTemplate} ${status} ${contentType}`;
  let v = compiled.get(key);
  if (!v) {
    const op = API.paths[pathTemplate]?.[method];
    if (!op) throw new Error(`openapi.json has no ${method.toUpperCase()} ${pathTemplate}`);
    const schema = op.responses[String(status)]?.content?.[contentType]?.schema;
    if (!schema)
      throw new Error(
        `${method.toUpperCase()} ${pathTemplate}: no ${status} ${contentType} schema`,
      );
    v = ajv.compile(convert(schema) as Schema);
    compiled.set(key, v);
  }
  return v;
}

// Every operation of the document, as "get /api/markets".
export const operations = (): string[] =>
  Object.entries(API.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));

// The path template a concrete path answers to (/api/coverage/markets/x/series ->
// /api/coverage/markets/{id}/series).
export function templateOf(method: string, path: string): string {
  const bare = path.split('?')[0];
  for (const p of Object.keys(API.paths)) {
    if (!API.paths[p][method]) continue;
    const re = new RegExp('^' + p.replace(/\{[^}]+\}/g, '[^/]+') + '$');
    if (re.test(bare)) return p;
  }
  throw new Error(`no operation for ${method.toUpperCase()} ${bare}`);
}
