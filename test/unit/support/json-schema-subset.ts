// A tiny JSON Schema checker for exactly the keywords schema/user.schema.json uses, so a test can
// ask "does the editor's schema judge this document as the validator does?" without a JSON
// Schema library. A keyword it does not know is an error: a schema that grows must grow this too.
// Patterns are compiled with the `u` flag, as JSON Schema (ECMA-262, Unicode) requires.

type JsonSchema = Record<string, unknown>;

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Problems found in `value` against `schema`, as `path: keyword` strings; empty when valid. */
export function checkJsonSchema(schema: JsonSchema, value: unknown, path = ''): string[] {
  const problems: string[] = [];
  const fail = (keyword: string) => problems.push(`${path || '/'}: ${keyword}`);
  for (const [keyword, rule] of Object.entries(schema)) {
    if (ANNOTATIONS.has(keyword)) continue;
    switch (keyword) {
      case 'type': {
        const actual = typeOf(value);
        if (!(actual === rule || (rule === 'number' && actual === 'integer'))) fail('type');
        break;
      }
      case 'properties':
        if (isObject(value)) {
          for (const [key, sub] of Object.entries(rule as Record<string, JsonSchema>)) {
            if (key in value) problems.push(...checkJsonSchema(sub, value[key], `${path}/${key}`));
          }
        }
        break;
      case 'required':
        if (isObject(value)) for (const key of rule as string[]) if (!(key in value)) fail(`required ${key}`);
        break;
      case 'additionalProperties':
        if (isObject(value)) {
          const known = Object.keys((schema.properties as Record<string, unknown> | undefined) ?? {});
          for (const [key, item] of Object.entries(value)) {
            if (known.includes(key)) continue;
            if (rule === false) fail(`additionalProperties ${key}`);
            else if (isObject(rule)) problems.push(...checkJsonSchema(rule, item, `${path}/${key}`));
          }
        }
        break;
      case 'propertyNames':
        if (isObject(value)) {
          for (const key of Object.keys(value))
            problems.push(...checkJsonSchema(rule as JsonSchema, key, `${path}/${key}#key`));
        }
        break;
      case 'maxProperties':
        if (isObject(value) && Object.keys(value).length > (rule as number)) fail('maxProperties');
        break;
      case 'items':
        if (Array.isArray(value)) {
          value.forEach((item, index) => {
            problems.push(...checkJsonSchema(rule as JsonSchema, item, `${path}/${index}`));
          });
        }
        break;
      case 'maxItems':
        if (Array.isArray(value) && value.length > (rule as number)) fail('maxItems');
        break;
      case 'uniqueItems':
        if (Array.isArray(value) && rule === true) {
          const seen = value.map((item) => JSON.stringify(item));
          if (new Set(seen).size !== seen.length) fail('uniqueItems');
        }
        break;
      // JSON Schema counts string length in code points.
      case 'minLength':
        if (typeof value === 'string' && [...value].length < (rule as number)) fail('minLength');
        break;
      case 'maxLength':
        if (typeof value === 'string' && [...value].length > (rule as number)) fail('maxLength');
        break;
      case 'pattern':
        if (typeof value === 'string' && !new RegExp(rule as string, 'u').test(value)) fail('pattern');
        break;
      case 'not':
        if (checkJsonSchema(rule as JsonSchema, value, path).length === 0) fail('not');
        break;
      default:
        throw new Error(`json-schema-subset: keyword "${keyword}" at ${path || '/'} is not supported`);
    }
  }
  return problems;
}
