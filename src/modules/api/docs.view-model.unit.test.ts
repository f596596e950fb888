import { describe, expect, it } from 'vitest';
import {
  accessLabel,
  apiDocsView,
  fieldRows,
  richText,
  typeLabel,
  type OpenApiDocument,
} from './docs.view-model.js';

describe('type labels', () => {
  it.each([
    [{ type: 'string', format: 'uuid' }, 'string (UUID)'],
    [{ type: 'string', minLength: 1, maxLength: 100 }, 'string, 1 to 100 characters'],
    [{ type: 'integer', minimum: 1, maximum: 100 }, 'integer, 1 to 100'],
    [{ type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 }, 'integer'],
    [{ type: 'string', enum: ['read', 'write'] }, 'one of "read", "write"'],
    [{ type: 'array', items: { type: 'string' } }, 'array of strings'],
    [{ type: 'array', items: { type: 'object' } }, 'array of objects'],
    [
      { type: 'string', format: 'date-time', nullable: true },
      'string (date and time, ISO 8601), or null',
    ],
    [{ anyOf: [{ type: 'string' }, { type: 'integer' }] }, 'string or integer'],
  ])('%j reads as %s', (schema, label) => {
    expect(typeLabel(schema)).toBe(label);
  });
});

describe('field rows', () => {
  it('flattens nested objects and arrays of objects, with required and defaults', () => {
    const rows = fieldRows({
      type: 'object',
      required: ['data'],
      properties: {
        data: {
          type: 'array',
          description: 'Items',
          items: {
            type: 'object',
            required: ['id'],
            properties: {
              id: { type: 'string' },
              tags: { type: 'array', items: { type: 'string' } },
            },
          },
        },
        limit: { type: 'integer', default: 50, description: 'Page size.' },
        owner: { type: 'object', properties: { name: { type: 'string' } } },
      },
    });
    expect(rows).toEqual([
      { name: 'data', type: 'array of objects', required: true, description: 'Items' },
      { name: 'data[].id', type: 'string', required: true, description: '' },
      { name: 'data[].tags', type: 'array of strings', required: false, description: '' },
      { name: 'limit', type: 'integer', required: false, description: 'Page size. Default: 50.' },
      { name: 'owner', type: 'object', required: false, description: '' },
      { name: 'owner.name', type: 'string', required: false, description: '' },
    ]);
  });

  it('escapes descriptions and shows backticked words as code', () => {
    expect(richText('Send `Bearer <token>` & wait')).toBe(
      'Send <code class="app-code">Bearer &lt;token&gt;</code> &amp; wait',
    );
  });
});

describe('access labels', () => {
  it('says who may call an endpoint in words', () => {
    expect(accessLabel('org.read')).toBe('Any member of the organisation');
    expect(accessLabel('members.manage')).toBe('Administrator only');
    expect(accessLabel('public')).toBe('Anyone');
  });
});

describe('the docs view', () => {
  it('groups endpoints by tag in the document’s order and resolves component references', () => {
    const doc: OpenApiDocument = {
      tags: [{ name: 'Zebras', description: 'First by declaration' }, { name: 'Apples' }],
      components: {
        schemas: {
          Thing: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } } },
        },
      },
      paths: {
        '/api/v1/apples': { get: { tags: ['Apples'], summary: 'List apples', responses: {} } },
        '/api/v1/zebras/{id}': {
          delete: { tags: ['Zebras'], summary: 'Remove a zebra', 'x-waymark-scope': 'write' },
          get: {
            tags: ['Zebras'],
            summary: 'Get a zebra',
            'x-waymark-access': 'members.manage',
            parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
            responses: {
              '200': {
                description: 'The `zebra`',
                content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } },
              },
              '404': {
                description: 'Not found',
                content: { 'application/problem+json': { schema: { type: 'object' } } },
              },
            },
          },
        },
        '/api/v1/untagged': { post: { summary: 'Loose' } },
      },
    };
    const view = apiDocsView(doc);
    expect(view.map((t) => t.name)).toEqual(['Zebras', 'Apples', 'Other']);
    const zebras = view[0]!;
    expect(zebras.endpoints.map((e) => `${e.method} ${e.path}`)).toEqual([
      'GET /api/v1/zebras/{id}',
      'DELETE /api/v1/zebras/{id}',
    ]);
    const get = zebras.endpoints[0]!;
    expect(get.scope).toBe('read');
    expect(get.access).toBe('Administrator only');
    expect(get.anchor).toBe('get-api-v1-zebras-id');
    expect(get.parameters).toEqual([
      { in: 'path', name: 'id', type: 'string', required: true, description: '' },
    ]);
    expect(get.responses[0]).toEqual({
      status: '200',
      description: 'The <code class="app-code">zebra</code>',
      contentType: 'application/json',
      fields: [{ name: 'id', type: 'string (UUID)', required: false, description: '' }],
    });
    expect(get.responses[1]?.fields).toEqual([]);
    expect(zebras.endpoints[1]!.scope).toBe('write');
    expect(view[2]!.endpoints[0]!.body).toBeNull();
  });
});
