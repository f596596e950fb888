import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import {
  auditOf,
  errorSummary,
  makeOrg,
  type Org,
} from '../strategy/strategy-pages.test-support.js';
import { countRows, hasSamples, postUpload, sample, SMALL_PLAN } from './import.test-support.js';

let t: TestApp;
let org: Org;
beforeAll(async () => {
  t = await createTestApp({ env: { UPLOAD_LIMIT_MB: '1' } });
  org = await makeOrg(t);
}, 120_000);
afterAll(async () => t.close());

function draftPath(location: string | string[] | undefined): string {
  const path = String(location ?? '');
  expect(path).toMatch(/^\/imports\/[0-9a-f-]{36}$/);
  return path;
}

async function draftCount() {
  const rows = await withTenant(t.database.db, org.id, null, (trx) =>
    trx.selectFrom('import_drafts').select('id').where('tenant_id', '=', org.id).execute(),
  );
  return rows.length;
}

describe('the import pages', () => {
  it('lets an editor paste a plan, check and correct it, then import it into a new strategy', async () => {
    const editor = await org.as('editor');
    const before = await countRows(t, org.id);
    const start = await postUpload(t, editor, { text: SMALL_PLAN });
    expect(start.statusCode).toBe(303);
    const path = draftPath(start.headers.location);

    // Previewing writes nothing but the draft.
    expect(await countRows(t, org.id)).toEqual(before);
    const preview = await editor.get(path);
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('3 actions in 2 themes');
    expect(preview.body).toContain('1. Working smarter');
    expect(preview.body).toContain('Move the intranet to the cloud');
    expect(preview.body).toMatch(
      /Apr &#39;26<br><span class="govuk-body-s"><span aria-hidden="true">→<\/span><span class="govuk-visually-hidden">read as<\/span> due 30 April 2026/,
    );
    expect(preview.body).toContain('£12,000');
    expect(preview.body).toContain('Met within current resources');
    // The mapping form preselects what each column was recognised as.
    expect(preview.body).toMatch(
      /<select[^>]*id="column-6"[\s\S]*?<option value="target" selected>/,
    );

    // The targets column is really comments: the plan is read again.
    const remap = await editor.post(`${path}/mapping`, { 'column-6': 'comments' });
    expect(remap.statusCode).toBe(303);
    const remapped = await editor.get(path);
    expect(remapped.body).toContain('Comments: Intranet moved');

    // Fix a cell of action 2 (its timescale).
    const fixPage = await editor.get(`${path}/actions/2`);
    expect(fixPage.statusCode).toBe(200);
    expect(fixPage.body).toContain('Fix action 1.2');
    const fixed = await editor.post(`${path}/actions/2`, {
      ref: '1.2',
      title: 'Replace the telephone system',
      timescale: "Oct '26",
    });
    expect(fixed.statusCode).toBe(303);
    expect((await editor.get(path)).body).toContain('due 31 October 2026');

    // Where it goes: the title is required.
    const noTitle = await editor.post(`${path}/target`, { target: 'new', newStrategyTitle: '' });
    expect(noTitle.statusCode).toBe(400);
    expect(errorSummary(noTitle.body)).toEqual([
      'newStrategyTitle: Enter a title for the new strategy',
    ]);
    const target = await editor.post(`${path}/target`, {
      target: 'new',
      newStrategyTitle: 'Digital Services 2026',
    });
    expect(target.headers.location).toBe(`${path}/check`);
    const check = await editor.get(`${path}/check`);
    expect(check.body).toContain('A new strategy: Digital Services 2026');
    expect(await countRows(t, org.id)).toEqual(before);

    const commit = await editor.post(`${path}/commit`, {});
    expect(commit.statusCode).toBe(303);
    expect(commit.headers.location).toBe(`${path}/done`);
    const done = await editor.get(`${path}/done`);
    expect(done.body).toContain('Plan imported');
    const strategyLink = /href="(\/strategies\/[0-9a-f-]{36})\/actions"/.exec(done.body)?.[1];
    expect(strategyLink).toBeTruthy();

    const strategyId = strategyLink!.split('/')[2]!;
    const rows = await withTenant(t.database.db, org.id, null, async (trx) => ({
      actions: await trx
        .selectFrom('actions')
        .selectAll()
        .where('strategy_id', '=', strategyId)
        .orderBy('ref_sort')
        .execute(),
      areas: await trx
        .selectFrom('strategy_areas')
        .selectAll()
        .where('strategy_id', '=', strategyId)
        .orderBy('position')
        .execute(),
    }));
    expect(rows.areas.map((a) => [a.number, a.title])).toEqual([
      ['1', 'Working smarter'],
      ['2', 'Keeping data safe'],
    ]);
    expect(rows.actions.map((a) => a.ref)).toEqual(['1.1', '1.2', '2.1']);
    const a12 = rows.actions[1]!;
    expect(a12).toMatchObject({
      timescale_text: "Oct '26",
      due_on: '2026-10-31',
      resources_kind: 'amount',
      resources_amount_pence: 1_200_000,
      resources_text: '£12,000',
      comments: 'New phones in use',
      targets: null,
      area_id: rows.areas[0]!.id,
    });
    expect(a12.source).toMatchObject({ Timescale: "Sept '26" });
    const events = await auditOf(t, org.id);
    expect(events.filter((e) => e.action === 'action.created')).toHaveLength(3);
    const summary = events.find((e) => e.action === 'import.committed');
    expect(summary?.after).toMatchObject({
      strategy_id: strategyId,
      created: 3,
      new_strategy: true,
    });

    // Once imported, the draft cannot be imported again.
    const again = await editor.post(`${path}/commit`, {});
    expect(again.headers.location).toBe(`${path}/done`);
    const count = await countRows(t, org.id);
    expect(count.actions).toBe(before.actions + 3);
  });

  it('shows what a revised plan changes in an existing strategy before importing it', async () => {
    const editor = await org.as('editor');
    const first = draftPath((await postUpload(t, editor, { text: SMALL_PLAN })).headers.location);
    await editor.post(`${first}/target`, {
      target: 'new',
      newStrategyTitle: 'Plan to revise (pages)',
    });
    await editor.post(`${first}/commit`, {});
    const done = await editor.get(`${first}/done`);
    const strategyId = /href="\/strategies\/([0-9a-f-]{36})\/actions"/.exec(done.body)?.[1] ?? '';

    const revised = SMALL_PLAN.replace("Sept '26", "Nov '26")
      .split('\n')
      .filter((l) => !l.startsWith('2.1'))
      .join('\n');
    const second = draftPath((await postUpload(t, editor, { text: revised })).headers.location);
    const preview = await editor.get(second);
    expect(preview.body).toContain('Plan to revise (pages)');
    const chosen = await editor.post(`${second}/target`, { target: 'existing', strategyId });
    expect(chosen.headers.location).toBe(`${second}/check`);
    const check = await editor.get(`${second}/check`);
    expect(check.body).toContain(
      '0 new actions, 1 changed action, 1 unchanged; 1 action in the strategy is not in this plan and will be kept',
    );
    expect(check.body).toMatch(
      /<td class="govuk-table__cell">Timescale<\/td>\s*<td class="govuk-table__cell">Sept &#39;26<\/td>\s*<td class="govuk-table__cell">Nov &#39;26<\/td>/,
    );
    expect(check.body).toContain('importing never deletes an action');
    expect(check.body).toMatch(/<input[^>]*name="archive" type="checkbox" value="2.1"/);
    const before = await countRows(t, org.id);
    // 2.1 has ended: the editor ticks it to archive it (it is kept, not deleted).
    expect((await editor.post(`${second}/commit`, { archive: '2.1' })).statusCode).toBe(303);
    const after = await countRows(t, org.id);
    expect(after.actions).toBe(before.actions);
    const a21 = await withTenant(t.database.db, org.id, null, (trx) =>
      trx
        .selectFrom('actions')
        .selectAll()
        .where('strategy_id', '=', strategyId)
        .where('ref', '=', '2.1')
        .executeTakeFirstOrThrow(),
    );
    expect(a21.archived_at).not.toBeNull();
    expect(a21.archive_reason).toMatch(/^Not in the revised plan imported from pasted text on /);
    const events = await auditOf(t, org.id);
    expect(events.at(-1)).toMatchObject({ action: 'import.committed' });
    expect(events.at(-1)?.after).toMatchObject({
      updated: ['1.2'],
      missing: [],
      archived: ['2.1'],
    });
    expect(events.at(-2)).toMatchObject({ action: 'action.archived', entity_id: a21.id });
    expect(events.at(-3)).toMatchObject({ action: 'action.updated' });
    expect((await editor.get(`${second}/done`)).body).toContain('Archived as they have ended');
  });

  it('flags in words the timescales that need checking', async () => {
    const editor = await org.as('editor');
    const text =
      'Ref\tAction\tTimescale\n1\tDo a thing\tJan-Mar 05\n2\tAnother\tSummer\n3\tThird\tOngoing';
    const path = draftPath((await postUpload(t, editor, { text })).headers.location);
    const page = await editor.get(path);
    expect(page.body).toContain('3 actions; 1 timescale needs checking.');
    expect(page.body).toContain(
      '<caption class="govuk-table__caption govuk-table__caption--s">Actions (3 actions)</caption>',
    );
    expect(page.body).toContain(
      '<strong class="govuk-tag govuk-tag--yellow">Timescale needs checking</strong>',
    );
    expect(page.body).toMatch(/href="#action-2">Action 2: the timescale “Summer” needs checking/);
  });

  it('refuses a strategy that is not one of the organisation’s', async () => {
    const editor = await org.as('editor');
    const path = draftPath((await postUpload(t, editor, { text: SMALL_PLAN })).headers.location);
    const res = await editor.post(`${path}/target`, {
      target: 'existing',
      strategyId: '01900000-0000-7000-8000-000000000000',
    });
    expect(res.statusCode).toBe(400);
    expect(errorSummary(res.body)).toEqual([
      'strategyId: Choose one of your organisation’s strategies',
    ]);
  });

  it('refuses bad documents on the upload page, in plain words, writing nothing', async () => {
    const editor = await org.as('editor');
    const before = await countRows(t, org.id);
    const draftsBefore = await draftCount();
    const cases: [
      Record<string, string>,
      { name: string; content: Buffer; type?: string } | undefined,
      RegExp,
    ][] = [
      [{}, undefined, /Choose a file, or paste the text of the plan/],
      [{}, { name: 'plan.txt', content: Buffer.alloc(0) }, /empty/i],
      [
        {},
        {
          name: 'plan.xlsx',
          content: Buffer.from('%PDF-1.4 not really a workbook'),
          type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        },
        /It is named as an Excel workbook, but it is a PDF document/,
      ],
      [
        {},
        { name: 'plan.txt', content: Buffer.alloc(1024 * 1024 + 10, 'a') },
        /larger than the limit of 1 MB/,
      ],
    ];
    if (hasSamples) {
      cases.push([
        { text: sample('ict-strategy-cover-report.txt') },
        undefined,
        /has no table in it, so there is no action plan to import/,
      ]);
    }
    for (const [fields, file, message] of cases) {
      const res = await postUpload(t, editor, fields, file);
      expect(res.statusCode, JSON.stringify(fields).slice(0, 40) + (file?.name ?? '')).toBe(400);
      expect(res.body).toMatch(/<title>Error: Import a plan/);
      const summary = errorSummary(res.body);
      expect(summary).toHaveLength(1);
      expect(summary[0]).toMatch(message);
    }
    expect(await countRows(t, org.id)).toEqual(before);
    expect(await draftCount()).toBe(draftsBefore);
  });

  it('is only for those who manage strategies', async () => {
    for (const role of ['viewer', 'contributor', 'board'] as const) {
      const agent = await org.as(role);
      expect((await agent.get('/imports/new')).statusCode).toBe(403);
    }
    const editor = await org.as('editor');
    const start = await postUpload(t, editor, { text: SMALL_PLAN });
    const path = draftPath(start.headers.location);
    const viewer = await org.as('viewer');
    expect((await viewer.get(path)).statusCode).toBe(403);
    // Another organisation's editor cannot see it.
    const other = await makeOrg(t);
    expect((await (await other.as('admin')).get(path)).statusCode).toBe(404);
  });
});
