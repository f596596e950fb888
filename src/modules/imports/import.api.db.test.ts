import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { multipartForm } from '../strategy/progress.test-support.js';
import { auditOf, bearer, makeOrg, type Org } from '../strategy/strategy-pages.test-support.js';
import { countRows, hasSamples, sample, SMALL_PLAN } from './import.test-support.js';

let t: TestApp;
let org: Org;
beforeAll(async () => {
  t = await createTestApp({ env: { UPLOAD_LIMIT_MB: '1' } });
  org = await makeOrg(t);
}, 120_000);
afterAll(async () => t.close());

// The answers are checked against literal shapes below; their types would only repeat them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

async function call(
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  token: string,
  payload?: unknown,
) {
  const res = await t.app.inject({
    method,
    url,
    headers: bearer(token),
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
  return { res, json: (res.body ? JSON.parse(res.body) : null) as Json };
}

async function preview(token: string, text: string) {
  const started = await call('POST', '/api/v1/imports', token, { text, name: 'plan.txt' });
  expect(started.res.statusCode, started.res.body.slice(0, 300)).toBe(201);
  return started.json;
}

async function actionsOf(strategyId: string) {
  return withTenant(t.database.db, org.id, null, (trx) =>
    trx
      .selectFrom('actions')
      .selectAll()
      .where('strategy_id', '=', strategyId)
      .orderBy('ref_sort')
      .execute(),
  );
}

describe('/api/v1/imports', () => {
  it('previews pasted text, adjusts it, and commits it into a new strategy once', async () => {
    const token = await org.token('editor');
    const before = await countRows(t, org.id);
    const draft = await preview(token, SMALL_PLAN);
    expect(draft.preview.summary.sentence).toBe('3 actions in 2 themes');
    expect(draft.preview.actions[0]).toMatchObject({
      ref: '1.1',
      title: 'Move the intranet to the cloud',
      owner: { lead: 'Head of ICT', with: ['Comms Mgr'] },
      timescale: { text: "Apr '26", due: '2026-04-30' },
      resources: { kind: 'current' },
    });
    expect(draft.problems).toEqual([]);
    expect(await countRows(t, org.id)).toEqual(before);

    const got = await call('GET', `/api/v1/imports/${draft.id}`, token);
    expect(got.json.preview.summary.actions).toBe(3);

    const patched = await call('PATCH', `/api/v1/imports/${draft.id}`, token, {
      fixes: { '2': { resources: '£2,500' } },
    });
    expect(patched.res.statusCode).toBe(200);
    expect(patched.json.preview.actions[2].resources).toMatchObject({
      kind: 'amount',
      amountPence: 250_000,
    });

    const bad = await call('POST', `/api/v1/imports/${draft.id}/commit`, token, {});
    expect(bad.res.statusCode).toBe(400);
    expect(bad.res.headers['content-type']).toMatch(/problem\+json/);

    const done = await call('POST', `/api/v1/imports/${draft.id}/commit`, token, {
      newStrategyTitle: 'Digital Services (API)',
    });
    expect(done.res.statusCode, done.res.body).toBe(201);
    expect(done.json).toMatchObject({
      strategyTitle: 'Digital Services (API)',
      newStrategy: true,
      actions: { created: ['1.1', '1.2', '2.1'], updated: [], missing: [] },
      areasCreated: 2,
    });
    const newId = done.json.strategyId as string;
    expect(done.json.links).toEqual({
      strategy: `/strategies/${newId}`,
      actionPlan: `/strategies/${newId}/actions`,
    });
    const actions = await actionsOf(newId);
    expect(actions.find((a) => a.ref === '2.1')).toMatchObject({
      resources_amount_pence: 250_000,
      resources_text: '£2,500',
    });

    const again = await call('POST', `/api/v1/imports/${draft.id}/commit`, token, {
      newStrategyTitle: 'Digital Services (API) again',
    });
    expect(again.res.statusCode).toBe(409);
    expect(again.json.detail).toMatch(/already been imported/);
    expect((await countRows(t, org.id)).strategies).toBe(before.strategies + 1);
  });

  it('takes a file as multipart/form-data', async () => {
    const token = await org.token('editor');
    const form = multipartForm(
      {},
      {
        field: 'file',
        name: 'plan.csv',
        content: Buffer.from('Ref,Action,Timescale\r\n1,"Buy laptops, fifty of them",Jan 2027\r\n'),
        type: 'text/csv',
      },
    );
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/imports',
      headers: { ...bearer(token), 'content-type': form.contentType },
      payload: form.payload,
    });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(201);
    const json = JSON.parse(res.body) as Json;
    expect(json.preview.source).toMatchObject({ name: 'plan.csv', format: 'csv' });
    expect(json.preview.actions[0]).toMatchObject({ title: 'Buy laptops, fifty of them' });
  });

  it('reads another sheet of a workbook, and refuses a mapping that leaves no action column', async () => {
    const token = await org.token('editor');
    const workbook = new ExcelJS.Workbook();
    const notes = workbook.addWorksheet('Notes');
    notes.addRow(['Written for the ICT board, March 2026']);
    const plan = workbook.addWorksheet('Action plan');
    plan.addRow(['Ref', 'Action', 'Priority', 'By when', 'Lead officer']);
    plan.addRow(['1', 'Renew the firewall contract', 'High', 'Jun 2026', 'Security Mgr']);
    plan.addRow(['2', 'Train staff in phishing awareness', 'Low', 'Dec 2026', 'HR Mgr']);
    const other = workbook.addWorksheet('Old plan');
    other.addRow(['No.', 'Task', 'Deadline']);
    other.addRow(['9', 'Retire the old file server', 'Mar 2026']);
    const form = multipartForm(
      { sheet: 'Action plan' },
      {
        field: 'file',
        name: 'plan.xlsx',
        content: Buffer.from(await workbook.xlsx.writeBuffer()),
        type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      },
    );
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/imports',
      headers: { ...bearer(token), 'content-type': form.contentType },
      payload: form.payload,
    });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(201);
    const draft = JSON.parse(res.body) as Json;
    expect(draft.preview.source).toMatchObject({ format: 'xlsx', sheet: 'Action plan' });
    expect(draft.preview.summary.actions).toBe(2);

    const moved = await call('PATCH', `/api/v1/imports/${draft.id as string}`, token, {
      sheet: 'Old plan',
    });
    expect(moved.res.statusCode, moved.res.body.slice(0, 300)).toBe(200);
    expect(moved.json.preview.source.sheet).toBe('Old plan');
    expect(moved.json.preview.actions[0].title).toBe('Retire the old file server');

    const unknown = await call('PATCH', `/api/v1/imports/${draft.id as string}`, token, {
      sheet: 'Nowhere',
    });
    expect(unknown.res.statusCode).toBe(400);
    expect(unknown.json.detail).toMatch(/Nowhere/);

    const titleColumn = (moved.json.preview.mapping as { index: number; field: string }[]).find(
      (m) => m.field === 'title',
    )!.index;
    const noTitle = await call('PATCH', `/api/v1/imports/${draft.id as string}`, token, {
      mapping: { [String(titleColumn)]: 'ignore' },
    });
    expect(noTitle.res.statusCode).toBe(400);
    expect(noTitle.res.headers['content-type']).toMatch(/problem\+json/);
    // The refused change was not kept: the draft still reads as before.
    const still = await call('GET', `/api/v1/imports/${draft.id as string}`, token);
    expect(still.json.preview.actions[0].title).toBe('Retire the old file server');
  });

  it('refuses bad documents with problem+json in plain words, writing nothing', async () => {
    const token = await org.token('editor');
    const before = await countRows(t, org.id);
    const cases: [{ text: string } | { file: Buffer; name: string }, RegExp][] = [
      [{ text: '' }, /empty/i],
      [{ file: Buffer.from('GIF89a....'), name: 'plan.docx' }, /cannot import ‘plan.docx’/],
      [{ text: 'a'.repeat(1024 * 1024 + 1) }, /larger than the limit of 1 MB/],
      [
        { file: Buffer.alloc(1024 * 1024 + 1, 'b'), name: 'plan.txt' },
        /larger than the limit of 1 MB/,
      ],
    ];
    if (hasSamples)
      cases.push([{ text: sample('ict-strategy-cover-report.txt') }, /has no table in it/]);
    for (const [body, message] of cases) {
      let res;
      if ('file' in body) {
        const form = multipartForm({}, { field: 'file', name: body.name, content: body.file });
        res = await t.app.inject({
          method: 'POST',
          url: '/api/v1/imports',
          headers: { ...bearer(token), 'content-type': form.contentType },
          payload: form.payload,
        });
      } else {
        res = (await call('POST', '/api/v1/imports', token, body)).res;
      }
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const problem = JSON.parse(res.body) as Json;
      expect(problem.detail).toMatch(message);
    }
    expect(await countRows(t, org.id)).toEqual(before);
  });

  it('is for editors and administrators only, and only in their organisation', async () => {
    for (const role of ['viewer', 'contributor', 'board'] as const) {
      const res = await call('POST', '/api/v1/imports', await org.token(role), {
        text: SMALL_PLAN,
      });
      expect(res.res.statusCode).toBe(403);
    }
    const draft = await preview(await org.token('admin'), SMALL_PLAN);
    const other = await makeOrg(t);
    const theirs = await call('GET', `/api/v1/imports/${draft.id}`, await other.token('admin'));
    expect(theirs.res.statusCode).toBe(404);
  });

  it('is in the OpenAPI document under Imports', async () => {
    const doc = JSON.parse(
      (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).body,
    ) as Json;
    expect((doc.tags as { name: string }[]).map((tag) => tag.name)).toContain('Imports');
    expect(doc.paths['/api/v1/imports'].post.tags).toEqual(['Imports']);
    expect(doc.paths['/api/v1/imports/{id}/commit'].post).toBeDefined();
    expect(doc.paths['/api/v1/imports/{id}'].patch).toBeDefined();
  });
});

describe.runIf(hasSamples)('importing the sample action plan (ict-action-plan-2007.txt)', () => {
  it('finds 38 actions in 6 themes in the strategy, with 4.3’s resources £1,000', async () => {
    const token = await org.token('editor');
    const draft = await preview(token, sample('ict-action-plan-2007.txt'));
    expect(draft.preview.summary).toMatchObject({ actions: 38, themes: 6 });
    const done = await call('POST', `/api/v1/imports/${draft.id}/commit`, token, {
      newStrategyTitle: 'ICT Strategy Action Plan 2007',
    });
    expect(done.res.statusCode, done.res.body.slice(0, 500)).toBe(201);
    const strategyId = done.json.strategyId as string;
    const actions = await actionsOf(strategyId);
    expect(actions).toHaveLength(38);
    const areas = await withTenant(t.database.db, org.id, null, (trx) =>
      trx
        .selectFrom('strategy_areas')
        .selectAll()
        .where('strategy_id', '=', strategyId)
        .orderBy('position')
        .execute(),
    );
    expect(areas.map((a) => a.number)).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(new Set(actions.map((a) => a.area_id)).size).toBe(6);
    expect(actions.map((a) => a.ref)[0]).toBe('1.1');
    expect(actions.map((a) => a.ref).at(-1)).toBe('6.6');
    const a43 = actions.find((a) => a.ref === '4.3')!;
    expect(a43).toMatchObject({
      resources_kind: 'amount',
      resources_amount_pence: 100_000,
      resources_text: '£1,000',
      lead_text: "AD, ICT and relevant service AD's",
      targets: 'Review complete and plans made',
      priority: 'high',
      area_id: areas[3]!.id,
    });
    expect(a43.source).toMatchObject({ resources: '£1,000' });
    const glossary = await withTenant(t.database.db, org.id, null, (trx) =>
      trx
        .selectFrom('glossary_terms')
        .select(['code', 'expansion'])
        .where('strategy_id', '=', strategyId)
        .execute(),
    );
    expect(glossary.map((g) => g.code)).toEqual(expect.arrayContaining(['CR', 'AR']));
    const events = await auditOf(t, org.id);
    expect(events.filter((e) => e.action === 'import.committed').at(-1)?.after).toMatchObject({
      strategy_id: strategyId,
      created: 38,
    });

    // The action plan page lists them.
    const editor = await org.as('editor');
    const plan = await editor.get(`/strategies/${strategyId}/actions`);
    expect(plan.statusCode).toBe(200);
    expect(plan.body).toContain('Review, with external support, all ICT support');
  });

  it('re-imports a revised plan into the same strategy: one changed, the rest unchanged, none deleted', async () => {
    const token = await org.token('editor');
    const original = sample('ict-action-plan-2007.txt');
    const first = await preview(token, original);
    const made = await call('POST', `/api/v1/imports/${first.id}/commit`, token, {
      newStrategyTitle: 'Plan to revise',
    });
    const strategyId = made.json.strategyId as string;
    const before = await actionsOf(strategyId);

    const revisedText = original.replace(
      '2.1 Consult on and confirm the principles of an Information Strategy',
      '2.1 Consult on and confirm the principles of an Information and Records Strategy',
    );
    expect(revisedText).not.toBe(original);
    // 6.6 is left out of the revised plan: it is listed as missing, never deleted.
    const lines = revisedText.split('\n');
    const without = lines.filter((l) => !l.startsWith('6.6 ')).join('\n');
    const second = await preview(token, without);
    const diff = await call('GET', `/api/v1/imports/${second.id}?strategyId=${strategyId}`, token);
    expect(diff.res.statusCode).toBe(200);
    expect(diff.json.diff.changed).toHaveLength(1);
    expect(diff.json.diff.changed[0]).toMatchObject({
      ref: '2.1',
      changes: [
        {
          field: 'title',
          before: 'Consult on and confirm the principles of an Information Strategy',
          after: 'Consult on and confirm the principles of an Information and Records Strategy',
        },
      ],
    });
    expect(diff.json.diff.added).toEqual([]);
    expect(diff.json.diff.unchanged).toHaveLength(36);
    expect((diff.json.diff.missing as { ref: string }[]).map((m) => m.ref)).toEqual(['6.6']);

    const committed = await call('POST', `/api/v1/imports/${second.id}/commit`, token, {
      strategyId,
    });
    expect(committed.res.statusCode, committed.res.body.slice(0, 300)).toBe(201);
    expect(committed.json.actions).toMatchObject({
      created: [],
      updated: ['2.1'],
      missing: ['6.6'],
    });
    const after = await actionsOf(strategyId);
    expect(after).toHaveLength(38);
    expect(after.every((a) => a.archived_at === null)).toBe(true);
    const a21 = after.find((a) => a.ref === '2.1')!;
    expect(a21.title).toContain('Information and Records Strategy');
    expect(a21.id).toBe(before.find((a) => a.ref === '2.1')!.id);
    const untouched = after.find((a) => a.ref === '3.1')!;
    expect(untouched.updated_at).toEqual(before.find((a) => a.ref === '3.1')!.updated_at);
    const events = await auditOf(t, org.id, a21.id);
    expect(events.map((e) => e.action)).toEqual(['action.created', 'action.updated']);
  });
});
