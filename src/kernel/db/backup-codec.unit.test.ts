import { describe, expect, it } from 'vitest';
import {
  arrayLiteral,
  decodeValue,
  encodeValue,
  insertPlaceholder,
  kindOf,
  type ColumnInfo,
} from './backup-codec.js';
import { dependencyOrder } from './backup.js';

const column = (kind: ColumnInfo['kind'], sqlType = '"pg_catalog"."text"'): ColumnInfo => ({
  name: 'c',
  kind,
  sqlType,
});

describe('backup value encoding', () => {
  it('chooses an encoding from the column type', () => {
    expect(kindOf('timestamp with time zone')).toBe('timestamptz');
    expect(kindOf('jsonb')).toBe('json');
    expect(kindOf('bigint')).toBe('int8');
    expect(kindOf('numeric')).toBe('text');
    expect(kindOf('ARRAY', '_text')).toBe('array');
    expect(kindOf('ARRAY', '_numeric')).toBe('text');
    expect(kindOf('USER-DEFINED', 'mood')).toBe('text');
  });

  it('keeps JSON null apart from SQL NULL, and wrapper-shaped objects apart from wrappers', () => {
    const json = column('json');
    for (const value of [null, { $json: 1 }, { $json: null }, { a: 1 }, [1, 'two'], 'text', 3]) {
      const text = JSON.stringify(value);
      const encoded = encodeValue('json', text);
      const line = JSON.parse(JSON.stringify(encoded)) as unknown;
      expect(decodeValue(json, line)).toBe(text);
    }
    expect(encodeValue('json', null)).toBeNull();
    expect(decodeValue(json, null)).toBeNull();
  });

  it('writes numbers as numbers while they stay exact, and as text beyond that', () => {
    expect(encodeValue('int', '42')).toBe(42);
    expect(encodeValue('int8', '9007199254740991')).toBe(9007199254740991);
    expect(encodeValue('int8', '9007199254740993')).toBe('9007199254740993');
    expect(encodeValue('float', '0.1')).toBe(0.1);
    expect(encodeValue('float', 'NaN')).toBe('NaN');
    expect(encodeValue('float', '-Infinity')).toBe('-Infinity');
    expect(decodeValue(column('int8'), '9007199254740993')).toBe('9007199254740993');
    expect(encodeValue('bool', 'false')).toBe(false);
    expect(decodeValue(column('bool'), true)).toBe('true');
  });

  it('builds array literals that survive commas, quotes, backslashes, NULLs and dimensions', () => {
    expect(arrayLiteral(['a,b', 'c"d', 'e\\f', null, ''])).toBe('{"a,b","c\\"d","e\\\\f",NULL,""}');
    expect(
      arrayLiteral([
        [1, 2],
        [3, null],
      ]),
    ).toBe('{{"1","2"},{"3",NULL}}');
    expect(arrayLiteral([])).toBe('{}');
  });

  it('refuses values of the wrong shape, naming the column', () => {
    expect(() => decodeValue(column('bool'), 'yes')).toThrow('c should be true or false');
    expect(() => decodeValue(column('array'), 'x')).toThrow('c should be a list');
    expect(() => decodeValue(column('text'), 5)).toThrow('c should be text');
    expect(() => decodeValue(undefined, 'x')).toThrow('more values than columns');
  });

  it('casts each parameter back to its column type, bytea from base64', () => {
    expect(insertPlaceholder(column('text', '"pg_catalog"."uuid"'), 3)).toBe(
      '$3::"pg_catalog"."uuid"',
    );
    expect(insertPlaceholder(column('bytea'), 1)).toBe(`decode($1, 'base64')`);
  });
});

describe('table order', () => {
  it('puts every table after the tables it refers to, ignoring self-references', () => {
    const order = dependencyOrder(
      ['memberships', 'users', 'organisations', 'actions'],
      [
        { table: 'memberships', references: 'users' },
        { table: 'memberships', references: 'organisations' },
        { table: 'actions', references: 'actions' },
        { table: 'actions', references: 'memberships' },
      ],
    );
    expect(order).toEqual(['organisations', 'users', 'memberships', 'actions']);
  });

  it('still gives every table once when two refer to each other', () => {
    const order = dependencyOrder(
      ['b', 'a', 'c'],
      [
        { table: 'a', references: 'b' },
        { table: 'b', references: 'a' },
        { table: 'c', references: 'a' },
      ],
    );
    expect([...order].sort()).toEqual(['a', 'b', 'c']);
    expect(order.indexOf('c')).toBeGreaterThan(order.indexOf('a'));
  });
});
