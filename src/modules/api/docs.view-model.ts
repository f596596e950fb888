import { PERMISSIONS, ROLE_LABELS, type Access } from '../../kernel/auth/permissions.js';
import { ROLES, type Role } from '../../kernel/db/schema.js';

/** The parts of an OpenAPI 3.0 document the docs page reads (the document is generated). */
export interface JsonSchema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  nullable?: boolean;
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

interface MediaTypes {
  content?: Record<string, { schema?: JsonSchema }>;
}

export interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: {
    name: string;
    in: string;
    required?: boolean;
    description?: string;
    schema?: JsonSchema;
  }[];
  requestBody?: MediaTypes & { required?: boolean };
  responses?: Record<string, MediaTypes & { description?: string }>;
  'x-waymark-scope'?: string;
  'x-waymark-access'?: Access;
}

export interface OpenApiDocument {
  info?: { title?: string; description?: string; version?: string };
  components?: { schemas?: Record<string, JsonSchema> };
  tags?: { name: string; description?: string }[];
  paths?: Record<string, Record<string, Operation | undefined>>;
}

export interface FieldRow {
  name: string;
  type: string;
  required: boolean;
  /** HTML: escaped text, with `code` spans marked up (see richText). */
  description: string;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Descriptions in the document may mark code with backticks, as OpenAPI's Markdown does. The page
 * shows them as code and everything else as escaped text (no other Markdown is honoured).
 */
export function richText(text: string): string {
  const escaped = text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
  return escaped.replace(/`([^`]+)`/g, '<code class="app-code">$1</code>');
}

const FORMATS: Record<string, string> = {
  uuid: 'UUID',
  'date-time': 'date and time, ISO 8601',
  date: 'date, YYYY-MM-DD',
  email: 'email address',
  uri: 'web address',
};

type Resolve = (schema: JsonSchema) => JsonSchema;
const asIs: Resolve = (schema) => schema;

/** Follows `#/components/schemas/…` references (registered schemas appear once, as components). */
export function resolver(doc: OpenApiDocument): Resolve {
  const components = doc.components?.schemas ?? {};
  return (schema) => {
    let current = schema;
    for (let hops = 0; current.$ref && hops < 10; hops++) {
      const name = current.$ref.replace(/^#\/components\/schemas\//, '');
      const target = components[name];
      if (!target) break;
      current = { ...target, description: current.description ?? target.description };
    }
    return current;
  };
}

/** Bounds worth saying: not the ±2^53 that any "integer" carries. */
function meaningful(n: number | undefined): n is number {
  return n !== undefined && Math.abs(n) < Number.MAX_SAFE_INTEGER;
}

/** A plain-English type: "string (UUID)", "array of strings", "one of "read", "write"". */
export function typeLabel(given: JsonSchema, resolve: Resolve = asIs): string {
  const schema = resolve(given);
  const variants = schema.anyOf ?? schema.oneOf;
  let label: string;
  if (variants?.length) {
    label = variants.map((v) => typeLabel(v, resolve)).join(' or ');
  } else if (schema.enum?.length) {
    const values = schema.enum.filter((v) => v !== null);
    label = values.length ? `one of ${values.map((v) => JSON.stringify(v)).join(', ')}` : 'null';
  } else if (schema.type === 'array') {
    const item = schema.items ? typeLabel(schema.items, resolve) : 'anything';
    label = `array of ${item.startsWith('one of') ? `values, each ${item}` : plural(item)}`;
  } else if (schema.type === 'string') {
    const format = schema.format ? FORMATS[schema.format] : undefined;
    label = format ? `string (${format})` : 'string';
    if (schema.maxLength !== undefined)
      label += `, ${schema.minLength ?? 0} to ${schema.maxLength} characters`;
  } else if (schema.type === 'integer' || schema.type === 'number') {
    label = schema.type === 'integer' ? 'integer' : 'number';
    if (meaningful(schema.minimum) && meaningful(schema.maximum))
      label += `, ${schema.minimum} to ${schema.maximum}`;
    else if (meaningful(schema.minimum)) label += `, at least ${schema.minimum}`;
    else if (meaningful(schema.maximum)) label += `, at most ${schema.maximum}`;
  } else {
    label = schema.type ?? 'anything';
  }
  return schema.nullable && label !== 'null' ? `${label}, or null` : label;
}

function plural(label: string): string {
  const [head = label, ...rest] = label.split(' ');
  return [`${head}s`, ...rest].join(' ');
}

function describe(schema: JsonSchema): string {
  const text = schema.description ?? '';
  if (schema.default === undefined || /default/i.test(text)) return richText(text);
  return richText(`${text}${text ? ' ' : ''}Default: ${JSON.stringify(schema.default)}.`);
}

/**
 * Flattens an object schema into one row per property, nested ones named with dots
 * (`organisation.id`) and array items with brackets (`data[].email`).
 */
export function fieldRows(
  given: JsonSchema | undefined,
  resolve: Resolve = asIs,
  prefix = '',
): FieldRow[] {
  const schema = given && resolve(given);
  if (!schema?.properties) return [];
  const rows: FieldRow[] = [];
  const required = new Set(schema.required ?? []);
  for (const [name, raw] of Object.entries(schema.properties)) {
    const property = resolve(raw);
    const path = `${prefix}${name}`;
    rows.push({
      name: path,
      type: typeLabel(property, resolve),
      required: required.has(name),
      description: describe(property),
    });
    if (property.properties) rows.push(...fieldRows(property, resolve, `${path}.`));
    const items = property.type === 'array' && property.items ? resolve(property.items) : null;
    if (items?.properties) rows.push(...fieldRows(items, resolve, `${path}[].`));
  }
  return rows;
}

/** Who may call an endpoint, from the access it declares. */
export function accessLabel(access: Access | undefined): string {
  if (!access || access === 'public') return 'Anyone';
  if (access === 'signed-in') return 'Anyone with a valid token';
  const roles = PERMISSIONS[access] as readonly Role[];
  if (roles.length === ROLES.length) return 'Any member of the organisation';
  return `${roles.map((r) => ROLE_LABELS[r].name).join(', ')} only`;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function jsonSchemaOf(media: MediaTypes | undefined): { type: string; schema?: JsonSchema } | null {
  const [type, entry] = Object.entries(media?.content ?? {})[0] ?? [];
  return type ? { type, schema: entry?.schema } : null;
}

export interface EndpointView {
  anchor: string;
  method: string;
  path: string;
  summary: string;
  description: string;
  scope: string;
  access: string;
  parameters: (FieldRow & { in: string })[];
  body: FieldRow[] | null;
  responses: {
    status: string;
    description: string;
    contentType: string | null;
    fields: FieldRow[];
  }[];
}

export interface TagView {
  name: string;
  anchor: string;
  description: string;
  endpoints: EndpointView[];
}

function anchorOf(text: string) {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function endpointView(method: string, path: string, op: Operation, resolve: Resolve): EndpointView {
  const body = jsonSchemaOf(op.requestBody);
  return {
    anchor: anchorOf(`${method} ${path}`),
    method: method.toUpperCase(),
    path,
    summary: op.summary ?? `${method.toUpperCase()} ${path}`,
    description: richText(op.description ?? ''),
    scope: op['x-waymark-scope'] ?? (method === 'get' ? 'read' : 'write'),
    access: accessLabel(op['x-waymark-access']),
    parameters: (op.parameters ?? []).map((p) => ({
      in: p.in === 'query' ? 'query' : p.in === 'path' ? 'path' : p.in,
      name: p.name,
      type: p.schema ? typeLabel(p.schema, resolve) : 'string',
      required: p.required === true,
      description:
        p.description !== undefined
          ? richText(p.description)
          : p.schema
            ? describe(resolve(p.schema))
            : '',
    })),
    body: body ? fieldRows(body.schema, resolve) : null,
    responses: Object.entries(op.responses ?? {}).map(([status, response]) => {
      const content = jsonSchemaOf(response);
      return {
        status,
        description: richText(response.description ?? ''),
        contentType: content?.type ?? null,
        // Problem details are described once, in the Errors section.
        fields:
          content && content.type !== 'application/problem+json'
            ? fieldRows(content.schema, resolve)
            : [],
      };
    }),
  };
}

/** The docs page's view of an OpenAPI document: endpoints grouped by tag, tags in document order. */
export function apiDocsView(doc: OpenApiDocument): TagView[] {
  const resolve = resolver(doc);
  const byTag = new Map<string, EndpointView[]>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? 'Other';
      const list = byTag.get(tag) ?? [];
      list.push(endpointView(method, path, op, resolve));
      byTag.set(tag, list);
    }
  }
  const declared = (doc.tags ?? []).map((t) => t.name);
  const order = [
    ...declared.filter((t) => byTag.has(t)),
    ...[...byTag.keys()].filter((t) => !declared.includes(t)).sort(),
  ];
  return order.map((name) => ({
    name,
    anchor: anchorOf(`tag ${name}`),
    description: richText(doc.tags?.find((t) => t.name === name)?.description ?? ''),
    endpoints: (byTag.get(name) ?? []).sort((a, b) =>
      a.path === b.path
        ? METHODS.indexOf(lower(a.method)) - METHODS.indexOf(lower(b.method))
        : a.path.localeCompare(b.path),
    ),
  }));
}

function lower(method: string) {
  return method.toLowerCase() as (typeof METHODS)[number];
}
