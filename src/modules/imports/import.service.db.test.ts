import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { archiveStrategy, createStrategy } from '../strategy/strategy.service.js';
import { strategyInput } from '../strategy/strategy.schemas.js';
import { makeOrg, type Org } from '../strategy/strategy-pages.test-support.js';
import { commitDraft, openDraft, startImport } from './import.service.js';
import { countRows, SMALL_PLAN } from './import.test-support.js';

let t: TestApp;
let org: Org;
const limits = { maxBytes: 1024 * 1024 };
beforeAll(async () => {
  t = await createTestApp();
  org = await makeOrg(t);
  // A stand-in for any failure the database may raise part-way through an import.
  await sql`
    create function refuse_exploding_action() returns trigger language plpgsql as $$
    begin
      if new.title like '%EXPLODE%' then raise exception 'refused by the test trigger'; end if;
      return new;
    end $$`.execute(t.database.db);
  await sql`create trigger refuse_exploding_action before insert or update on actions
    for each row execute function refuse_exploding_action()`.execute(t.database.db);
}, 120_000);
afterAll(async () => t.close());

describe('committing an import', () => {
  it('writes nothing when the database refuses the second action', async () => {
    const ctx = await org.ctx('editor');
    const text = SMALL_PLAN.replace('Replace the telephone system', 'Replace the EXPLODE system');
    const { draft } = await startImport(t.database.db, ctx, { text, name: 'pasted text' }, limits);
    const before = await countRows(t, org.id);
    await expect(
      commitDraft(t.database.db, ctx, draft.id, { newStrategyTitle: 'Never written' }),
    ).rejects.toThrow(/refused by the test trigger/);
    expect(await countRows(t, org.id)).toEqual(before);
    const view = await openDraft(t.database.db, ctx, draft.id);
    expect(view.draft.committed_at).toBeNull();
  });

  it('writes nothing into a strategy archived after the preview was made', async () => {
    const ctx = await org.ctx('editor');
    const strategy = await createStrategy(
      t.database.db,
      ctx,
      strategyInput.parse({ title: 'Soon archived' }),
    );
    const { draft } = await startImport(
      t.database.db,
      ctx,
      { text: SMALL_PLAN, name: 'pasted text' },
      limits,
    );
    await archiveStrategy(t.database.db, ctx, strategy.id);
    const before = await countRows(t, org.id);
    await expect(
      commitDraft(t.database.db, ctx, draft.id, { strategyId: strategy.id }),
    ).rejects.toThrow(/archived: its plan can no longer be changed/);
    expect(await countRows(t, org.id)).toEqual(before);
  });

  it('imports a draft once, even when two commits race', async () => {
    const ctx = await org.ctx('editor');
    const { draft } = await startImport(
      t.database.db,
      ctx,
      { text: SMALL_PLAN, name: 'pasted text' },
      limits,
    );
    const before = await countRows(t, org.id);
    const results = await Promise.allSettled([
      commitDraft(t.database.db, ctx, draft.id, { newStrategyTitle: 'Raced A' }),
      commitDraft(t.database.db, ctx, draft.id, { newStrategyTitle: 'Raced B' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected');
    expect(String(refused?.reason)).toMatch(/already been imported/);
    const after = await countRows(t, org.id);
    expect(after.strategies).toBe(before.strategies + 1);
    expect(after.actions).toBe(before.actions + 3);
  });

  it('refuses an expired draft in words and removes it', async () => {
    const ctx = await org.ctx('editor');
    const { draft } = await startImport(
      t.database.db,
      ctx,
      { text: SMALL_PLAN, name: 'pasted text' },
      limits,
    );
    await t.database.db
      .updateTable('import_drafts')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', draft.id)
      .execute();
    await expect(openDraft(t.database.db, ctx, draft.id)).rejects.toThrow(
      /Upload the file or paste the text again/,
    );
    const left = await withTenant(t.database.db, org.id, null, (trx) =>
      trx.selectFrom('import_drafts').select('id').where('id', '=', draft.id).execute(),
    );
    expect(left).toEqual([]);
    const editor = await org.as('editor');
    const { draft: other } = await startImport(
      t.database.db,
      ctx,
      { text: SMALL_PLAN, name: 'pasted text' },
      limits,
    );
    await t.database.db
      .updateTable('import_drafts')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', other.id)
      .execute();
    const page = await editor.get(`/imports/${other.id}`);
    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('This import has expired');
  });

  it('keeps drafts apart by organisation (row-level security)', async () => {
    const ctx = await org.ctx('editor');
    const { draft } = await startImport(
      t.database.db,
      ctx,
      { text: SMALL_PLAN, name: 'pasted text' },
      limits,
    );
    const other = await makeOrg(t);
    const seen = await withTenant(t.database.db, other.id, null, (trx) =>
      trx.selectFrom('import_drafts').select('id').execute(),
    );
    expect(seen.map((d) => d.id)).not.toContain(draft.id);
  });
});
