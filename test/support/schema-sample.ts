import { randomUUID } from 'node:crypto';

/**
 * Best-effort smallest valid instance of a JSON schema: required properties only, the first enum
 * value or union branch, strings of the minimum length in the declared format. Lets generated tests
 * send a body that passes validation to routes they know nothing about.
 */
export function minimalInstance(schema: unknown, root: unknown = schema, depth = 0): unknown {
  if (!isObject(schema) || depth > 8) return null;
  if (typeof schema['$ref'] === 'string') return minimalInstance(resolveRef(root, schema['$ref']), root, depth + 1);
  if ('const' in schema) return schema['const'];
  if (Array.isArray(schema['enum'])) return schema['enum'][0];
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches)) {
      const concrete = branches.find((branch) => !(isObject(branch) && branch['type'] === 'null')) ?? branches[0];
      return minimalInstance(concrete, root, depth + 1);
    }
  }
  if (Array.isArray(schema['allOf'])) {
    return Object.assign({}, ...schema['allOf'].map((part) => minimalInstance(part, root, depth + 1)).filter(isObject));
  }
  const type = Array.isArray(schema['type']) ? schema['type'].find((t) => t !== 'null') : schema['type'];
  switch (type) {
    case 'object': {
      const properties = isObject(schema['properties']) ? schema['properties'] : {};
      const required = Array.isArray(schema['required']) ? schema['required'].filter((name): name is string => typeof name === 'string') : [];
      const minProperties = typeof schema['minProperties'] === 'number' ? schema['minProperties'] : 0;
      const names = [...required, ...Object.keys(properties).filter((name) => !required.includes(name))].slice(0, Math.max(required.length, minProperties));
      return Object.fromEntries(names.map((name) => [name, minimalInstance(properties[name], root, depth + 1)]));
    }
    case 'array': {
      const count = typeof schema['minItems'] === 'number' ? schema['minItems'] : 0;
      return Array.from({ length: count }, () => minimalInstance(schema['items'], root, depth + 1));
    }
    case 'string':
      return minimalString(schema);
    case 'integer':
    case 'number':
      return typeof schema['minimum'] === 'number' ? schema['minimum'] : typeof schema['exclusiveMinimum'] === 'number' ? schema['exclusiveMinimum'] + 1 : 1;
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return {};
  }
}

function minimalString(schema: Record<string, unknown>): string {
  switch (schema['format']) {
    case 'uuid':
      return randomUUID();
    case 'email':
      return `sample-${randomUUID().slice(0, 8)}@samples.test`;
    case 'date-time':
      return new Date().toISOString();
    case 'date':
      return new Date().toISOString().slice(0, 10);
    case 'uri':
    case 'url':
      return 'https://samples.test/';
  }
  const length = typeof schema['minLength'] === 'number' ? Math.max(schema['minLength'], 1) : 1;
  return 'x'.repeat(length);
}

function resolveRef(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return null;
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) node = isObject(node) ? node[part.replace(/~1/g, '/').replace(/~0/g, '~')] : null;
  return node;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The JSON request body schema of a route in an OpenAPI document (`/teams/:id` → `/teams/{id}`), or undefined. */
export function requestBodySchema(openapi: unknown, method: string, url: string): unknown {
  const path = url.replace(/:(\w+)/g, '{$1}');
  const paths = isObject(openapi) ? openapi['paths'] : undefined;
  const operation = isObject(paths) && isObject(paths[path]) ? paths[path][method.toLowerCase()] : undefined;
  const body = isObject(operation) ? operation['requestBody'] : undefined;
  const content = isObject(body) ? body['content'] : undefined;
  const json = isObject(content) ? content['application/json'] : undefined;
  return isObject(json) ? json['schema'] : undefined;
}
