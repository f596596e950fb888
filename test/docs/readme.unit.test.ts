import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configDocs, configSchema, type Config } from '../../src/config.js';
import { DEMO_PASSWORD, DEMO_PEOPLE } from '../../src/modules/demo/index.js';

/**
 * The README is what a newcomer follows without help, so it must not drift from the code: the
 * configuration table is generated from `configDocs` and the schema's defaults, and this test
 * fails (printing the table as it should be) when a variable is missing or out of date.
 */

const README = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');

const defaults = configSchema.parse({}) as Record<string, unknown>;

function defaultText(key: keyof Config): string {
  // The development secret is deliberately not printed: nobody should copy it anywhere.
  if (key === 'SESSION_SECRET') return 'a development-only value';
  const value = defaults[key];
  if (value === undefined) return 'none';
  return `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
}

function configRow(key: keyof Config): string {
  return `| \`${key}\` | ${defaultText(key)} | ${configDocs[key]} |`;
}

function configTable(): string {
  const keys = Object.keys(configDocs) as (keyof Config)[];
  return [
    '| Variable | Default | What it does |',
    '| --- | --- | --- |',
    ...keys.map(configRow),
  ].join('\n');
}

describe('README.md', () => {
  it('starts with the two-command quick start, exactly', () => {
    const firstSection = README.split(/^## /m)[1] ?? '';
    expect(firstSection.startsWith('Quick start')).toBe(true);
    const blocks = [...firstSection.matchAll(/```sh\n([\s\S]*?)\n```/g)].map((m) => m[1]);
    expect(blocks).toEqual(['npm ci && npm start', 'npm ci && npm test']);
  });

  it('has every configuration variable in its table, as configDocs and the defaults say', () => {
    const lines = new Set(README.split('\n'));
    const missing = (Object.keys(configDocs) as (keyof Config)[]).filter(
      (key) => !lines.has(configRow(key)),
    );
    expect(
      missing,
      `Update the configuration table in README.md to read:\n\n${configTable()}\n`,
    ).toEqual([]);
  });

  it('lists no variable that Waymark does not read', () => {
    const listed = [...README.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
    expect(listed.length).toBeGreaterThan(0);
    for (const name of listed) expect(Object.keys(configDocs)).toContain(name);
  });

  it('gives the demo sign-ins', () => {
    expect(README).toContain(DEMO_PASSWORD);
    for (const person of DEMO_PEOPLE) expect(README).toContain(person.email);
  });

  it('documents every subcommand of the waymark command', () => {
    for (const command of [
      'serve',
      'migrate',
      'demo',
      'create-organisation',
      'create-user',
      'create-token',
      'backup',
      'restore',
      'audit verify',
    ]) {
      expect(README).toContain(`waymark ${command}`);
    }
  });
});
