import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import {
  auditFor,
  errorSummary,
  locationId,
  makeBoard,
  makePlan,
  makeReportOrg,
  recordUpdate,
  type ReportOrg,
} from './report.test-support.js';
import type { ReportSnapshot } from './report.types.js';
import { DEFAULT_TEMPLATE, templateFormValues } from './template.service.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 120_000);
afterAll(async () => t.close(), 60_000);

async function setUp() {
  const org = await makeReportOrg(t);
  const editor = await org.ctx('editor');
  const plan = await makePlan(
    t,
    editor,
    {
      title: 'Digital Strategy',
      periodStart: '2025-04-01',
      documentDate: '2025-04-01',
      areas: [
        {
          number: '1',
          title: 'Infrastructure',
          actions: [
            { ref: '1.1', title: 'Move to the cloud', timescale: 'Dec 2025' },
            { ref: '1.2', title: 'Replace the telephones', timescale: 'June 2025' },
          ],
        },
      ],
    },
    { fromDocument: true },
  );
  await recordUpdate(t, editor, plan.actions['1.1']!.id, {
    status: 'on_track',
    happened: 'Contract signed',
    asAt: '2025-06-01',
  });
  await recordUpdate(t, editor, plan.actions['1.2']!.id, {
    status: 'off_track',
    happened: 'Supplier in administration',
    nextSteps: 'Re-tender',
    asAt: '2025-06-10',
  });
  const boardId = await makeBoard(t, org.id, { name: 'Scrutiny Commission', kind: 'scrutiny' });
  return { org, plan, boardId };
}

async function createThroughPage(org: ReportOrg, strategyId: string, boardId: string) {
  const agent = await org.as('editor');
  const form = await agent.get('/reports/new');
  expect(form.statusCode).toBe(200);
  expect(form.body).toContain('Scrutiny Commission');
  const res = await agent.post('/reports/new', {
    strategyId,
    boardId,
    meetingId: '',
    'asAt-day': '30',
    'asAt-month': '6',
    'asAt-year': '2025',
    title: 'Digital strategy progress',
  });
  expect(res.statusCode).toBe(303);
  return locationId(res, '/reports');
}

async function reportRow(org: ReportOrg, id: string) {
  return withTenant(t.database.db, org.id, null, (trx) =>
    trx.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
  );
}

describe('the report pages', () => {
  it('takes a report from draft to a published, frozen version', async () => {
    const { org, plan, boardId } = await setUp();
    const id = await createThroughPage(org, plan.strategy.id, boardId);
    const editor = await org.as('editor');

    // The narrative starts from the template's standard words, worded for the board's kind.
    const created = await reportRow(org, id);
    expect(created.status).toBe('draft');
    expect(created.narrative.recommendation).toBe('The Commission is asked to NOTE this report.');

    const page = await editor.get(`/reports/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Edit the officers’ sections');
    expect(page.body).toContain('Supplier in administration');
    expect(page.body).toContain(`/reports/${id}/preview.docx`);

    // Edit a section.
    const saved = await editor.post(`/reports/${id}`, {
      title: 'Digital strategy progress',
      'asAt-day': '30',
      'asAt-month': '6',
      'asAt-year': '2025',
      'narrative-background': 'The strategy was approved last spring.',
      'narrative-recommendation': 'The Commission is asked to NOTE this report.',
    });
    expect(saved.statusCode).toBe(303);
    expect((await reportRow(org, id)).narrative.background).toBe(
      'The strategy was approved last spring.',
    );

    // Submit to a named approver; another board member may not approve it.
    const approverId = await org.userId('board');
    const other = await org.extra('board', 'Cllr Other');
    expect((await editor.post(`/reports/${id}/submit`, { approverId })).statusCode).toBe(303);
    const submitted = await reportRow(org, id);
    expect(submitted).toMatchObject({ status: 'submitted', approver_user_id: approverId });
    expect((await editor.get(`/reports/${id}`)).body).toContain('Awaiting sign-off');
    expect((await other.agent.post(`/reports/${id}/approve`, {})).statusCode).toBe(403);
    // Editing is closed while it waits.
    expect((await editor.post(`/reports/${id}`, { title: 'Changed' })).statusCode).toBe(409);

    const board = await org.as('board');
    const forApprover = await board.get(`/reports/${id}`);
    expect(forApprover.body).toContain('Approve the report');
    expect((await board.post(`/reports/${id}/approve`, {})).statusCode).toBe(303);
    expect((await reportRow(org, id)).status).toBe('approved');

    // Publish, public.
    const published = await editor.post(`/reports/${id}/publish`, { public: 'yes' });
    expect(published.statusCode).toBe(303);
    expect((await reportRow(org, id)).status).toBe('published');
    const version = await withTenant(t.database.db, org.id, null, (trx) =>
      trx.selectFrom('report_versions').selectAll().where('report_id', '=', id).execute(),
    );
    expect(version).toHaveLength(1);
    expect(version[0]).toMatchObject({ version: 1, public: true, change_note: null });
    const snapshot = version[0]!.snapshot as ReportSnapshot;
    expect(snapshot.approval.approvedBy).toBe('Test board');
    expect(snapshot.published?.version).toBe(1);
    expect(snapshot.narrative.background).toBe('The strategy was approved last spring.');

    // The web version.
    const web = await editor.get(`/reports/${id}/versions/1`);
    expect(web.statusCode).toBe(200);
    expect(web.body).toContain('Supplier in administration');
    expect(web.body).toContain('Approved by');

    // Changing actions afterwards leaves the published version as it was.
    await recordUpdate(t, await org.ctx('editor'), plan.actions['1.2']!.id, {
      status: 'complete',
      happened: 'Done after all',
      asAt: '2025-06-20',
    });
    await withTenant(t.database.db, org.id, null, (trx) =>
      trx
        .updateTable('actions')
        .set({ title: 'Renamed after publishing' })
        .where('id', '=', plan.actions['1.1']!.id)
        .execute(),
    );
    const again = await withTenant(t.database.db, org.id, null, (trx) =>
      trx
        .selectFrom('report_versions')
        .select('snapshot')
        .where('report_id', '=', id)
        .executeTakeFirstOrThrow(),
    );
    expect(again.snapshot).toEqual(snapshot);
    const webAgain = await editor.get(`/reports/${id}/versions/1`);
    expect(webAgain.body).toContain('Supplier in administration');
    expect(webAgain.body).not.toContain('Renamed after publishing');

    // The audit trail holds every step.
    const events = (await auditFor(t, org.id, id)).map((e) => e.action);
    expect(events).toEqual([
      'report.created',
      'report.updated',
      'report.submitted',
      'report.approved',
      'report.published',
    ]);

    // A corrected version: version 2 with its note; version 1 stays.
    const noNote = await editor.post(`/reports/${id}/correct`, { changeNote: '' });
    expect(noNote.statusCode).toBe(400);
    expect(errorSummary(noNote.body)).toEqual(['changeNote: Enter what this version corrects']);
    const corrected = await editor.post(`/reports/${id}/correct`, {
      changeNote: 'The telephone project was completed in the period',
      'narrative-background': 'The strategy was approved last spring.',
    });
    expect(corrected.statusCode).toBe(303);
    expect(corrected.headers.location).toBe(`/reports/${id}/versions/2`);
    const v2 = await editor.get(`/reports/${id}/versions/2`);
    expect(v2.body).toContain('The telephone project was completed in the period');
    expect(v2.body).toContain('Done after all');
    const v1 = await editor.get(`/reports/${id}/versions/1`);
    expect(v1.body).toContain('This version has been superseded');
    expect(v1.body).toContain('Supplier in administration');
    const versions = await withTenant(t.database.db, org.id, null, (trx) =>
      trx
        .selectFrom('report_versions')
        .select(['version', 'change_note', 'snapshot'])
        .where('report_id', '=', id)
        .orderBy('version')
        .execute(),
    );
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    expect((versions[1]!.snapshot as ReportSnapshot).published?.supersedes).toMatchObject({
      version: 1,
      note: 'The telephone project was completed in the period',
    });
    expect((await auditFor(t, org.id, id)).at(-1)?.action).toBe('report.superseded');
    // The version rows cannot be changed by the application's role.
    await expect(
      withTenant(t.database.db, org.id, null, (trx) =>
        trx
          .updateTable('report_versions')
          .set({ change_note: 'x' })
          .where('report_id', '=', id)
          .execute(),
      ),
    ).rejects.toThrow();

    // The list shows it.
    const list = await editor.get('/reports');
    expect(list.body).toContain('Digital strategy progress');
    expect(list.body).toContain('Published');
  }, 120_000);

  it('downloads each version and a draft’s preview in Word, PDF and Excel', async () => {
    const { org, plan, boardId } = await setUp();
    const id = await createThroughPage(org, plan.strategy.id, boardId);
    const viewer = await org.as('viewer');
    const docx = await viewer.get(`/reports/${id}/preview.docx`);
    expect(docx.statusCode).toBe(200);
    expect(docx.headers['content-type']).toContain('wordprocessingml');
    expect(docx.headers['content-disposition']).toMatch(
      /attachment; filename="digital-strategy-progress-2025-06-30-draft\.docx"/,
    );
    expect(docx.rawPayload.subarray(0, 2).toString()).toBe('PK');
    const pdf = await viewer.get(`/reports/${id}/preview.pdf`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const xlsx = await viewer.get(`/reports/${id}/preview.xlsx`);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    // No version 1 yet.
    expect((await viewer.get(`/reports/${id}/versions/1.docx`)).statusCode).toBe(404);
    expect((await viewer.get(`/reports/${id}/versions/one`)).statusCode).toBe(404);
    // A viewer sees the preview but no editing or sign-off.
    const page = await viewer.get(`/reports/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('Edit the officers’ sections');
    expect(page.body).not.toContain('Submit for sign-off');
    expect((await viewer.post(`/reports/${id}`, {})).statusCode).toBe(403);
  }, 120_000);

  it('returns a report to the officer with a comment, and withdraws a draft', async () => {
    const { org, plan, boardId } = await setUp();
    const id = await createThroughPage(org, plan.strategy.id, boardId);
    const editor = await org.as('editor');
    const noApprover = await editor.post(`/reports/${id}/submit`, { approverId: '' });
    expect(noApprover.statusCode).toBe(400);
    expect(errorSummary(noApprover.body)).toEqual([
      'approverId: Select who is to approve the report',
    ]);
    // An editor is not an approver.
    const notApprover = await editor.post(`/reports/${id}/submit`, {
      approverId: await org.userId('editor'),
    });
    expect(notApprover.statusCode).toBe(400);
    await editor.post(`/reports/${id}/submit`, { approverId: await org.userId('board') });

    const admin = await org.as('admin');
    const empty = await admin.post(`/reports/${id}/return`, { comment: '' });
    expect(empty.statusCode).toBe(400);
    expect(errorSummary(empty.body)).toEqual([
      'comment: Enter what needs to change before it can be approved',
    ]);
    // An administrator may act in the approver's place.
    const returned = await admin.post(`/reports/${id}/return`, {
      comment: 'Say more about the telephones',
    });
    expect(returned.statusCode).toBe(303);
    expect((await reportRow(org, id)).status).toBe('draft');
    const page = await editor.get(`/reports/${id}`);
    expect(page.body).toContain('Say more about the telephones');
    const events = await auditFor(t, org.id, id);
    expect(events.at(-1)).toMatchObject({
      action: 'report.returned',
      after: expect.objectContaining({ comment: 'Say more about the telephones' }),
    });

    expect((await editor.post(`/reports/${id}/withdraw`, {})).statusCode).toBe(303);
    expect((await reportRow(org, id)).status).toBe('withdrawn');
    expect((await editor.post(`/reports/${id}/publish`, {})).statusCode).toBe(409);
    expect((await auditFor(t, org.id, id)).at(-1)?.action).toBe('report.withdrawn');
  }, 120_000);

  it('explains what is wrong with a new report', async () => {
    const { org } = await setUp();
    const editor = await org.as('editor');
    const res = await editor.post('/reports/new', {
      strategyId: '',
      'asAt-day': '31',
      'asAt-month': '2',
      'asAt-year': '2025',
      title: '',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<title>Error: ');
    expect(errorSummary(res.body)).toEqual([
      'strategyId: Select a strategy',
      'asAt-day: The “as at” date must be a real date',
      'title: Enter the title of the report',
    ]);
  }, 60_000);
});

describe('the report template page', () => {
  it('reorders sections, renames headings and sets standard words', async () => {
    const { org, plan, boardId } = await setUp();
    const editor = await org.as('editor');
    const page = await editor.get('/settings/report-template');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('value="Purpose of the report"');
    const form: Record<string, string> = templateFormValues(DEFAULT_TEMPLATE);
    // Recommendation last; contacts renamed; new standard words for the background.
    form['recommendation-order'] = '15';
    form['contacts-heading'] = 'Contact officers';
    form['background-text'] = 'The {strategy} runs to 2027.';
    const bad = await editor.post('/settings/report-template', { ...form, 'legal-heading': '' });
    expect(bad.statusCode).toBe(400);
    expect(errorSummary(bad.body)).toEqual([
      'legal-heading: Enter a heading for “Legal implications”',
    ]);
    const res = await editor.post('/settings/report-template', form);
    expect(res.statusCode).toBe(303);
    const audit = await auditFor(t, org.id, org.id);
    expect(audit.at(-1)?.action).toBe('report_template.updated');

    const id = await createThroughPage(org, plan.strategy.id, boardId);
    const row = await reportRow(org, id);
    expect(row.narrative.background).toBe('The Digital Strategy runs to 2027.');
    const preview = await editor.get(`/reports/${id}`);
    expect(preview.body).toContain('Contact officers');
    const api = await t.app.inject({
      method: 'GET',
      url: `/api/v1/reports/${id}/rendered?format=json`,
      headers: { authorization: `Bearer ${await org.token('viewer')}` },
    });
    const sections = api.json<ReportSnapshot>().sections.map((s) => s.key);
    expect(sections.at(-1)).toBe('recommendation');
    expect(sections.at(-2)).toBe('contacts');
  }, 120_000);

  it('is for editors and administrators only', async () => {
    const { org } = await setUp();
    expect((await (await org.as('board')).get('/settings/report-template')).statusCode).toBe(403);
  }, 60_000);
});
