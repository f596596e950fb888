import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/errors.js';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { auditOf, makeOrg, type Org } from '../strategy/strategy-pages.test-support.js';
import { runImport, type ImportCommandOptions } from './import.cli.js';
import { countRows, hasSamples, SAMPLES, SMALL_PLAN } from './import.test-support.js';
import { ImportRefusedError, type ImportPreview } from './import.types.js';

let t: TestApp;
let org: Org;
let dir: string;
let planFile: string;
beforeAll(async () => {
  t = await createTestApp();
  org = await makeOrg(t);
  dir = mkdtempSync(join(tmpdir(), 'waymark-import-'));
  planFile = join(dir, 'digital-plan.txt');
  writeFileSync(planFile, SMALL_PLAN);
}, 120_000);
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await t.close();
});

/** Runs the command in-process against the test database, collecting what it prints. */
async function run(file: string, options: ImportCommandOptions) {
  const out: string[] = [];
  const err: string[] = [];
  await runImport(
    file,
    options,
    { out: (s) => out.push(s), err: (s) => err.push(s) },
    { maxBytes: 1024 * 1024, withDb: (fn) => fn(t.database.db) },
  );
  return { out: out.join('\n'), err: err.join('\n') };
}

async function slug() {
  const row = await t.database.db
    .selectFrom('organisations')
    .select('slug')
    .where('id', '=', org.id)
    .executeTakeFirstOrThrow();
  return row.slug;
}

describe('waymark import', () => {
  it('--dry-run --json prints the preview and writes nothing', async () => {
    const before = await countRows(t, org.id);
    const { out } = await run(planFile, { dryRun: true, json: true, organisation: org.id });
    const preview = JSON.parse(out) as ImportPreview;
    expect(preview.summary.sentence).toBe('3 actions in 2 themes');
    expect(preview.themes).toEqual(['1. Working smarter', '2. Keeping data safe']);
    expect(preview.actions[1]).toMatchObject({
      ref: '1.2',
      owner: { lead: 'Infrastructure Mgr', with: [] },
      timescale: { text: "Sept '26", due: '2026-09-30' },
      resources: { kind: 'amount', amountPence: 1_200_000, text: '£12,000' },
      target: 'New phones in use',
    });
    expect(await countRows(t, org.id)).toEqual(before);
  });

  it('--dry-run without --json prints a summary a person reads', async () => {
    const { out } = await run(planFile, { dryRun: true });
    expect(out).toContain('digital-plan.txt (text): 3 actions in 2 themes');
    expect(out).toContain('  2. Keeping data safe (1 action)');
    expect(out).toContain('Dry run: nothing was written.');
  });

  it('imports into a new strategy, then shows and applies a revised plan’s changes', async () => {
    const { out } = await run(planFile, {
      organisation: await slug(),
      newStrategy: 'Digital plan (command line)',
    });
    expect(out).toMatch(
      /Imported into “Digital plan \(command line\)” \(a new strategy\): 3 added/,
    );
    const strategyId = /\/strategies\/([0-9a-f-]{36})/.exec(out)?.[1] ?? '';
    const actions = await withTenant(t.database.db, org.id, null, (trx) =>
      trx
        .selectFrom('actions')
        .select(['ref', 'title'])
        .where('strategy_id', '=', strategyId)
        .execute(),
    );
    expect(actions).toHaveLength(3);
    const events = await auditOf(t, org.id);
    const summary = events.filter((e) => e.action === 'import.committed').at(-1);
    expect(summary?.actor_user_id).toBeNull();

    const revised = join(dir, 'revised.txt');
    writeFileSync(
      revised,
      SMALL_PLAN.replace('Replace the telephone system', 'Replace the phones'),
    );
    const dry = await run(revised, { organisation: org.id, strategy: strategyId, dryRun: true });
    expect(dry.out).toContain(
      'Compared with the strategy: 0 new actions, 1 changed action, 2 unchanged',
    );
    expect(dry.out).toContain('1.2 changed: action');
    const applied = await run(revised, { organisation: org.id, strategy: strategyId, json: true });
    expect(JSON.parse(applied.out)).toMatchObject({ actions: { updated: ['1.2'], created: [] } });
  });

  it('stops with a usage error (exit 2) or the reader’s refusal (exit 1), writing nothing', async () => {
    const before = await countRows(t, org.id);
    await expect(
      run(planFile, { organisation: org.id, strategy: org.id, newStrategy: 'x' }),
    ).rejects.toThrow(UsageError);
    await expect(run(planFile, { newStrategy: 'x' })).rejects.toThrow(/--organisation/);
    await expect(run(planFile, { organisation: org.id })).rejects.toThrow(/--new-strategy/);
    await expect(run(join(dir, 'nothing-here.txt'), { dryRun: true })).rejects.toThrow(
      /There is no file/,
    );
    await expect(
      run(planFile, { organisation: 'no-such-council', newStrategy: 'x' }),
    ).rejects.toThrow(UsageError);
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '');
    await expect(run(empty, { dryRun: true })).rejects.toThrow(ImportRefusedError);
    if (hasSamples) {
      await expect(
        run(join(SAMPLES, 'ict-strategy-cover-report.txt'), { dryRun: true }),
      ).rejects.toThrow(/has no table in it/);
    }
    expect(await countRows(t, org.id)).toEqual(before);
  });

  it('shows a progress bar on a terminal’s standard error for a large file, and only there', async () => {
    const rows = Array.from(
      { length: 6000 },
      (_, i) =>
        `${String(i + 1)}\tReview service number ${String(i + 1)} with its users and write it up\tH\tApr '26\tHead of ICT\tCR\tReview done`,
    );
    const large = join(dir, 'large-plan.txt');
    writeFileSync(
      large,
      ['Ref\tAction\tPriority\tTimescale\tBy who\tResources\tTargets', ...rows].join('\n'),
    );
    const drawn: string[] = [];
    const terminal = { isTTY: true, columns: 100, write: (s: string) => drawn.push(s) > 0 };
    const out: string[] = [];
    const io = { out: (s: string) => out.push(s), err: () => undefined };
    const env = {
      maxBytes: 10 * 1024 * 1024,
      withDb: <T>(fn: (db: typeof t.database.db) => Promise<T>) => fn(t.database.db),
    };
    await runImport(
      large,
      { dryRun: true, json: true },
      { ...io, progressStream: terminal as unknown as NodeJS.WriteStream },
      env,
    );
    expect(drawn.join('')).toMatch(/Reading|Understanding/);
    expect((JSON.parse(out.join('\n')) as ImportPreview).summary.actions).toBe(6000);

    const piped: string[] = [];
    const pipe = { isTTY: false, columns: 100, write: (s: string) => piped.push(s) > 0 };
    await runImport(
      large,
      { dryRun: true, json: true },
      { ...io, progressStream: pipe as unknown as NodeJS.WriteStream },
      env,
    );
    expect(piped).toEqual([]);
  }, 120_000);
});
