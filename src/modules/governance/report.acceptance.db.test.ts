/**
 * Acceptance: the sample action plan is imported, two periods of progress are recorded, and a
 * report to a "Scrutiny Commission" laid out like the sample progress report is drafted, signed
 * off and published. The Word paper and the PDF are read back, and a change to an action after
 * publishing leaves the published report as it was. Runs whenever the samples folder exists.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mammoth from 'mammoth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { newId } from '../../kernel/db/ids.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { readSource, understandDocument } from '../imports/index.js';
import {
  actionInput,
  addAreaInTx,
  createActionInTx,
  createStrategyInTx,
  strategyInput,
  type Action,
  type Status,
} from '../strategy/index.js';
import {
  locationId,
  makeBoard,
  makeReportOrg,
  recordUpdate,
  type ReportOrg,
} from './report.test-support.js';
import type { ReportSnapshot } from './report.types.js';
import { DEFAULT_TEMPLATE, templateFormValues } from './template.service.js';
import { SAMPLES } from '../../../test/helpers/samples.js';

const PLAN = `${SAMPLES}/ict-action-plan-2007.txt`;

let t: TestApp;
let org: ReportOrg;
let actions: Record<string, Action>;
let strategyId: string;
let boardId: string;
let reportId: string;
let published: ReportSnapshot;
let docx: Buffer;
let pdf: Buffer;

/** The sample paper's order: purpose, background, previous decisions, progress, resources, recommendation … */
const PAPER_ORDER = [
  ['purpose', 'Purpose of report'],
  ['background', 'Background'],
  ['previousDecisions', 'Policy framework and previous decisions'],
  ['progressSummary', 'Progress summary'],
  ['completed', 'Completed since the last report'],
  ['exceptions', 'Exceptions'],
  ['changes', 'Changes since the last report'],
  ['milestones', 'Upcoming milestones'],
  ['resources', 'Resources implications'],
  ['financial', 'Financial implications'],
  ['legal', 'Legal implications'],
  ['recommendation', 'Recommendation'],
  ['equalities', 'Equal opportunities implications'],
  ['risk', 'Risk implications'],
  ['contacts', 'Officers to contact'],
] as const;

async function pdfText(bytes: Buffer): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'waymark-report-pdf-'));
  try {
    const file = join(dir, 'report.pdf');
    writeFileSync(file, bytes);
    const { stdout } = await promisify(execFile)('pdftotext', ['-layout', file, '-']);
    return stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const updates: [ref: string, status: Status, asAt: string, happened: string, next?: string][] = [
  // The first period, to the end of June 2007.
  ['1.1', 'complete', '2007-04-27', 'Review format agreed with the Cabinet member'],
  ['1.2', 'on_track', '2007-05-14', 'Draft process with the Board of Directors'],
  ['2.2', 'on_track', '2007-06-01', 'Monitoring procedures drafted'],
  ['3.3', 'at_risk', '2007-06-12', 'Two directorates have not replied', 'Escalate through SMT'],
  ['3.6', 'on_track', '2007-05-20', 'Costing under way'],
  ['4.5', 'complete', '2007-05-30', 'Options reported to the Board of Directors'],
  [
    '6.2',
    'at_risk',
    '2007-06-20',
    'Standby site not yet secured',
    'Seek quotes for a standby site',
  ],
  ['6.6', 'on_track', '2007-06-05', 'E-mail review started'],
  // The second period, to the end of August 2007.
  ['1.2', 'complete', '2007-07-10', 'Process confirmed by the Board of Directors'],
  [
    '3.3',
    'off_track',
    '2007-08-15',
    'Arrangements still not confirmed',
    'New deadline proposed for October',
  ],
  ['3.6', 'complete', '2007-08-01', 'Proposal completed and costed'],
  ['6.2', 'on_track', '2007-08-20', 'Standby site contract signed'],
  ['6.6', 'complete', '2007-07-31', 'Review done and actions agreed'],
  ['4.7', 'on_track', '2007-08-10', 'Support centre review begun'],
];

beforeAll(async () => {
  if (!existsSync(PLAN)) return;
  t = await createTestApp();
  org = await makeReportOrg(t);
  const editor = await org.ctx('editor');

  // Import the sample action plan through the import module's reader and understanding.
  const doc = await readSource(
    { text: readFileSync(PLAN, 'utf8'), name: 'ict-action-plan-2007.txt' },
    { maxBytes: 10_000_000 },
  );
  const preview = understandDocument(doc);
  expect(preview.summary.sentence).toContain('38 actions in 6 themes');
  const made = await withTenant(t.database.db, org.id, editor.actor.userId, async (trx) => {
    const strategy = await createStrategyInTx(
      trx,
      editor,
      strategyInput.parse({
        title: 'Corporate ICT Strategy',
        periodLabel: '2007-2009',
        periodStart: '2007-03-01',
        documentDate: preview.documentDate,
        status: 'approved',
        approvedBy: 'Cabinet',
        approvedOn: '2006-10-31',
      }),
    );
    const areas = new Map<string, string>();
    for (const theme of preview.themes) {
      const numbered = /^(\d+)\.\s*(.*)$/.exec(theme);
      const area = await addAreaInTx(trx, editor, strategy.id, {
        number: numbered?.[1],
        title: numbered?.[2] ?? theme,
      });
      areas.set(theme, area.id);
    }
    const byRef: Record<string, Action> = {};
    for (const a of preview.actions) {
      byRef[a.ref!] = await createActionInTx(
        trx,
        editor,
        strategy.id,
        actionInput.parse({
          ref: a.ref,
          title: a.title,
          areaId: a.theme ? areas.get(a.theme) : undefined,
          priority: a.priorityText ?? undefined,
          timescale: a.timescale.text ?? undefined,
          lead: a.owner.text ?? undefined,
          resources: a.resources.text ?? undefined,
          targets: a.target ?? undefined,
        }),
        { source: a.source },
      );
    }
    return { strategy, byRef };
  });
  actions = made.byRef;
  strategyId = made.strategy.id;
  expect(Object.keys(actions)).toHaveLength(38);

  for (const [ref, status, asAt, happened, nextSteps] of updates) {
    await recordUpdate(t, editor, actions[ref]!.id, { status, asAt, happened, nextSteps });
  }

  boardId = await makeBoard(t, org.id, { name: 'Scrutiny Commission', kind: 'scrutiny' });

  // The template laid out like the sample paper, through its page.
  const editorAgent = await org.as('editor');
  const form = templateFormValues(DEFAULT_TEMPLATE);
  PAPER_ORDER.forEach(([key, heading], i) => {
    form[`${key}-order`] = String(i + 1);
    form[`${key}-heading`] = heading;
  });
  expect((await editorAgent.post('/settings/report-template', form)).statusCode).toBe(303);

  // The first report, as at the end of June, published.
  const first = await editorAgent.post('/reports/new', {
    strategyId,
    boardId,
    'asAt-day': '30',
    'asAt-month': '6',
    'asAt-year': '2007',
    title: 'ICT strategy implementation: first progress report',
  });
  const firstId = locationId(first, '/reports');
  const approverId = await org.userId('board');
  const board = await org.as('board');
  expect((await editorAgent.post(`/reports/${firstId}/submit`, { approverId })).statusCode).toBe(
    303,
  );
  expect((await board.post(`/reports/${firstId}/approve`, {})).statusCode).toBe(303);
  expect((await editorAgent.post(`/reports/${firstId}/publish`, {})).statusCode).toBe(303);

  // A new action in the second period, and a decision on the first report.
  const late = await withTenant(t.database.db, org.id, editor.actor.userId, async (trx) => {
    const area = await trx
      .selectFrom('strategy_areas')
      .select('id')
      .where('strategy_id', '=', strategyId)
      .where('number', '=', '6')
      .executeTakeFirstOrThrow();
    return createActionInTx(
      trx,
      editor,
      strategyId,
      actionInput.parse({
        ref: '6.7',
        title: 'Set up a Corporate ICT Steering Group',
        areaId: area.id,
        timescale: "Oct '07",
        lead: 'AD, ICT',
      }),
    );
  });
  await recordUpdate(t, editor, late.id, {
    status: 'on_track',
    asAt: '2007-07-16',
    happened: 'The group met for the first time',
  });
  await withTenant(t.database.db, org.id, null, async (trx) => {
    const meetingId = newId();
    const itemId = newId();
    await trx
      .insertInto('meetings')
      .values({
        tenant_id: org.id,
        id: meetingId,
        board_id: boardId,
        meets_on: '2007-07-11',
        starts_at: null,
        location: null,
        minutes_url: null,
      })
      .execute();
    await trx
      .insertInto('agenda_items')
      .values({
        tenant_id: org.id,
        id: itemId,
        meeting_id: meetingId,
        position: 3,
        title: 'ICT strategy: first progress report',
        strategy_id: strategyId,
        report_id: firstId,
        paper_url: null,
      })
      .execute();
    await trx
      .insertInto('decisions')
      .values({
        tenant_id: org.id,
        id: newId(),
        agenda_item_id: itemId,
        outcome: 'noted',
        note: null,
        recorded_by: editor.actor.userId!,
      })
      .execute();
  });

  // The second report, for the September meeting, as at the end of August.
  const second = await editorAgent.post('/reports/new', {
    strategyId,
    boardId,
    'asAt-day': '31',
    'asAt-month': '8',
    'asAt-year': '2007',
    title: 'Corporate ICT strategy implementation progress report',
  });
  reportId = locationId(second, '/reports');
  const edited = await editorAgent.post(`/reports/${reportId}`, {
    title: 'Corporate ICT strategy implementation progress report',
    'asAt-day': '31',
    'asAt-month': '8',
    'asAt-year': '2007',
    'narrative-purpose':
      'This report tells the Commission how the corporate ICT strategy is being put into practice.',
    'narrative-background':
      'An independent review of the ICT service found it performed well.\n\nIt also found areas to improve, which the strategy takes up.',
    'narrative-recommendation': 'The Commission is asked to NOTE this report.',
    'narrative-equalities': 'The strategy will help the council serve all of its customers better.',
    'narrative-contacts': 'Head of ICT, extension 5780',
  });
  expect(edited.statusCode).toBe(303);
  expect((await editorAgent.post(`/reports/${reportId}/submit`, { approverId })).statusCode).toBe(
    303,
  );
  expect((await board.post(`/reports/${reportId}/approve`, {})).statusCode).toBe(303);
  expect(
    (await editorAgent.post(`/reports/${reportId}/publish`, { public: 'yes' })).statusCode,
  ).toBe(303);

  const version = await withTenant(t.database.db, org.id, null, (trx) =>
    trx
      .selectFrom('report_versions')
      .select('snapshot')
      .where('report_id', '=', reportId)
      .executeTakeFirstOrThrow(),
  );
  published = version.snapshot as ReportSnapshot;
  const viewer = await org.as('viewer');
  docx = (await viewer.get(`/reports/${reportId}/versions/1.docx`)).rawPayload;
  pdf = (await viewer.get(`/reports/${reportId}/versions/1.pdf`)).rawPayload;
}, 600_000);

afterAll(async () => {
  if (existsSync(PLAN)) await t.close();
}, 60_000);

describe.runIf(existsSync(PLAN))('the sample plan reported to a Scrutiny Commission', () => {
  it('drafts the report from the record as at the end of August', () => {
    expect(published.progressSummary.total).toBe(39);
    expect(published.previousReport?.asAt).toBe('2007-06-30');
    expect(published.periodStart).toBe('2007-06-30');
    expect(published.completed.map((a) => a.ref).sort()).toEqual(['1.2', '3.6', '6.6']);
    expect(published.exceptions[0]).toMatchObject({
      ref: '3.3',
      status: 'off_track',
      latest: {
        happened: 'Arrangements still not confirmed',
        nextSteps: 'New deadline proposed for October',
      },
    });
    expect(published.changes.added.map((a) => a.ref)).toEqual(['6.7']);
    expect(
      published.changes.statusMoves.map((m) => `${m.action.ref}: ${m.fromLabel} → ${m.toLabel}`),
    ).toEqual(
      expect.arrayContaining([
        '3.3: At risk → Off track',
        '6.2: At risk → On track',
        '4.7: Not started → On track',
      ]),
    );
    expect(published.previousDecisions.map((d) => `${d.meetsOn} ${d.board}: ${d.outcome}`)).toEqual(
      ['2006-10-31 Cabinet: Approved', '2007-07-11 Scrutiny Commission: Noted'],
    );
    // £7,000 for 3.6 and £1,000 for 4.3 (the yearly £2,000 for 4.2 is counted too).
    expect(published.resources.totalPence).toBe(1_000_000);
    expect(published.resources.needingAdditional.map((a) => a.ref)).toEqual(
      expect.arrayContaining(['2.3', '3.8', '4.15', '5.2', '6.2']),
    );
    expect(published.approval.approvedBy).toBe('Test board');
  });

  it('writes a Word paper with the sample’s headings, tables and words', async () => {
    const { value: html } = await mammoth.convertToHtml({ buffer: docx });
    const headings = [...html.matchAll(/<h[12][^>]*>(.*?)<\/h[12]>/g)].map((m) =>
      m[1]!.replace(/<[^>]+>/g, '').replace(/&amp;/g, '&'),
    );
    const order = PAPER_ORDER.map(([, heading]) =>
      headings.findIndex((h) => h.toLowerCase().includes(heading.toLowerCase())),
    );
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(html).toContain('<table>');
    const { value: text } = await mammoth.extractRawText({ buffer: docx });
    expect(text).toContain('Scrutiny Commission');
    expect(text).toContain('Corporate ICT strategy implementation progress report');
    expect(text).toContain('The Commission is asked to NOTE this report.');
    expect(text).toContain('Arrangements still not confirmed');
    expect(text).toContain('New deadline proposed for October');
    expect(text).toContain('Set up a Corporate ICT Steering Group');
    expect(text).toContain('Head of ICT, extension 5780');
  });

  it('writes a PDF whose text reads as the paper', async () => {
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = (await pdfText(pdf)).replace(/\s+/g, ' ');
    for (const [, heading] of PAPER_ORDER)
      expect(text.toLowerCase()).toContain(heading.toLowerCase());
    expect(text).toContain('The Commission is asked to NOTE this report.');
    expect(text).toContain('SCRUTINY COMMISSION');
    // Table cells wrap in the PDF: the start of the latest update stays on one line.
    expect(text).toMatch(/3\.3 Review and confirm .*Off track .*Arrangements still not/);
  });

  it('leaves the published report unchanged when the actions change afterwards', async () => {
    const editor = await org.ctx('editor');
    await recordUpdate(t, editor, actions['3.3']!.id, {
      status: 'complete',
      asAt: '2007-08-30',
      happened: 'Confirmed after all (recorded late)',
    });
    await withTenant(t.database.db, org.id, null, (trx) =>
      trx
        .updateTable('actions')
        .set({ title: 'A title changed after publishing', due_on: '2010-01-01' })
        .where('id', '=', actions['6.2']!.id)
        .execute(),
    );
    const again = await withTenant(t.database.db, org.id, null, (trx) =>
      trx
        .selectFrom('report_versions')
        .select('snapshot')
        .where('report_id', '=', reportId)
        .executeTakeFirstOrThrow(),
    );
    expect(again.snapshot).toEqual(published);
    const viewer = await org.as('viewer');
    const { value: text } = await mammoth.extractRawText({
      buffer: (await viewer.get(`/reports/${reportId}/versions/1.docx`)).rawPayload,
    });
    expect(text).toContain('Arrangements still not confirmed');
    expect(text).not.toContain('Confirmed after all');
    expect(text).not.toContain('A title changed after publishing');
    const web = await viewer.get(`/reports/${reportId}/versions/1`);
    expect(web.body).not.toContain('A title changed after publishing');
    // A draft of the same date now reads the late update.
    const preview = await t.app.inject({
      method: 'GET',
      url: `/api/v1/reports/${reportId}/rendered?format=json`,
      headers: { authorization: `Bearer ${await org.token('viewer')}` },
    });
    expect(preview.json<ReportSnapshot>()).toEqual(published);
  });
});
