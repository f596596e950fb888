import { randomUUID } from 'node:crypto';
import JSZip from 'jszip';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { auditFor, makePlan, makeReportOrg, type ReportOrg } from './report.test-support.js';
import { insertReport, insertVersion, snapshotFor } from './public.test-support.js';

let t: TestApp;
let a: ReportOrg;
let b: ReportOrg;
const ids: Record<string, string> = {};
const slugs: Record<string, string> = {};
let nameA = '';

async function orgRow(id: string) {
  return t.database.db
    .selectFrom('organisations')
    .select(['slug', 'name', 'publish_publicly'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

async function setPublish(id: string, on: boolean) {
  await t.database.db
    .updateTable('organisations')
    .set({ publish_publicly: on })
    .where('id', '=', id)
    .execute();
}

/** A visitor: no cookies at all. */
function visit(url: string) {
  return t.app.inject({ method: 'GET', url });
}

beforeAll(async () => {
  t = await createTestApp();
  a = await makeReportOrg(t);
  b = await makeReportOrg(t);
  const rowA = await orgRow(a.id);
  nameA = rowA.name;
  slugs.a = rowA.slug;
  slugs.b = (await orgRow(b.id)).slug;
  const editorA = await a.ctx('editor');
  const editorB = await b.ctx('editor');
  const plan = await makePlan(t, editorA, {
    title: 'Digital Strategy 2025–2028',
    periodLabel: '2025–2028',
    approvedBy: 'Cabinet',
    approvedOn: '2025-03-18',
    areas: [
      {
        number: '1',
        title: 'Customer access',
        actions: [
          { ref: '1.1', title: 'Launch the <online> account', lead: 'Head of Customer Services' },
          { ref: '1.2', title: 'Move telephony to the cloud', timescale: 'March 2027' },
        ],
      },
    ],
  });
  ids.approved = plan.strategy.id;
  const draft = await makePlan(t, editorA, {
    title: 'Unapproved Data Strategy',
    areas: [
      { number: '1', title: 'Secret area', actions: [{ ref: '1.1', title: 'Secret action' }] },
    ],
  });
  ids.draftStrategy = draft.strategy.id;
  await withTenant(t.database.db, a.id, null, (trx) =>
    trx
      .updateTable('strategies')
      .set({ status: 'draft' })
      .where('id', '=', draft.strategy.id)
      .execute(),
  );

  const editorId = await a.userId('editor');
  const snap = (title: string, asAt: string, version = 1) =>
    snapshotFor({ organisation: nameA, strategyTitle: plan.strategy.title, title, asAt, version });

  // Published, version 1 public; version 2 (a correction) not public.
  ids.published = await insertReport(t, a.id, {
    strategyId: plan.strategy.id,
    title: 'Quarter one progress report',
    status: 'superseded',
    asAt: '2026-06-30',
    createdBy: editorId,
  });
  ids.v1 = await insertVersion(t, a.id, {
    reportId: ids.published,
    version: 1,
    public: true,
    snapshot: snap('Quarter one progress report', '2026-06-30'),
    publishedBy: editorId,
    publishedAt: '2026-07-02T09:00:00Z',
  });
  ids.v2private = await insertVersion(t, a.id, {
    reportId: ids.published,
    version: 2,
    public: false,
    snapshot: snap('Quarter one progress report (private correction)', '2026-06-30', 2),
    publishedBy: editorId,
    changeNote: 'Corrected a figure',
  });
  // A published report whose only version is not public.
  ids.notPublic = await insertReport(t, a.id, {
    strategyId: plan.strategy.id,
    title: 'Internal only report',
    status: 'published',
    asAt: '2026-03-31',
    createdBy: editorId,
  });
  ids.notPublicV1 = await insertVersion(t, a.id, {
    reportId: ids.notPublic,
    version: 1,
    public: false,
    snapshot: snap('Internal only report', '2026-03-31'),
    publishedBy: editorId,
  });
  // A draft (withdrawn, here) report that somehow carries a public version row: still hidden.
  ids.withdrawn = await insertReport(t, a.id, {
    strategyId: plan.strategy.id,
    title: 'Withdrawn report',
    status: 'withdrawn',
    asAt: '2025-12-31',
    createdBy: editorId,
  });
  ids.withdrawnV1 = await insertVersion(t, a.id, {
    reportId: ids.withdrawn,
    version: 1,
    public: true,
    snapshot: snap('Withdrawn report', '2025-12-31'),
    publishedBy: editorId,
  });
  ids.draftReport = await insertReport(t, a.id, {
    strategyId: plan.strategy.id,
    title: 'Draft report',
    status: 'draft',
    asAt: '2026-09-30',
    createdBy: editorId,
  });
  ids.draftV = await insertVersion(t, a.id, {
    reportId: ids.draftReport,
    version: 1,
    public: true,
    snapshot: snap('Draft report', '2026-09-30'),
    publishedBy: editorId,
  });

  // Organisation B: a public report and an approved strategy, but B does not publish.
  const planB = await makePlan(t, editorB, {
    title: 'B council strategy',
    areas: [{ number: '1', title: 'B area', actions: [{ ref: '1.1', title: 'B action' }] }],
  });
  ids.bStrategy = planB.strategy.id;
  const editorBId = await b.userId('editor');
  ids.bReport = await insertReport(t, b.id, {
    strategyId: planB.strategy.id,
    title: 'B report',
    status: 'published',
    asAt: '2026-06-30',
    createdBy: editorBId,
  });
  ids.bV1 = await insertVersion(t, b.id, {
    reportId: ids.bReport,
    version: 1,
    public: true,
    snapshot: snapshotFor({
      organisation: 'B',
      strategyTitle: 'B',
      title: 'B report',
      asAt: '2026-06-30',
    }),
    publishedBy: editorBId,
  });
  await setPublish(a.id, true);
}, 180_000);
afterAll(async () => t.close(), 60_000);

describe('an organisation’s public page', () => {
  it('shows approved strategies and public report versions to a visitor who has not signed in', async () => {
    const res = await visit(`/public/${slugs.a}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(nameA);
    expect(res.body).toContain(`href="/public/${slugs.a}/strategies/${ids.approved}"`);
    expect(res.body).toContain('Digital Strategy 2025–2028');
    expect(res.body).toContain(`href="/public/${slugs.a}/reports/${ids.v1}"`);
    expect(res.body).toContain(`/public/${slugs.a}/reports/${ids.v1}/report.docx`);
    expect(res.body).toContain(`href="/public/${slugs.a}/reports.atom"`);
    expect(res.body).toMatch(
      /<link rel="alternate" type="application\/atom\+xml" href="\/public\/[a-z0-9-]+\/reports\.atom"/,
    );
    expect(res.body).toContain('<link rel="stylesheet" href="/static/app.css">');
    // No sign-out form, no service navigation.
    expect(res.body).not.toContain('/sign-out');
  });

  it('never lists anything unpublished', async () => {
    const res = await visit(`/public/${slugs.a}`);
    for (const hidden of [
      'Unapproved Data Strategy',
      ids.draftStrategy,
      'Internal only report',
      ids.notPublicV1,
      ids.v2private,
      'private correction',
      'Withdrawn report',
      ids.withdrawnV1,
      'Draft report',
      ids.draftV,
      'B report',
    ]) {
      expect(res.body, hidden).not.toContain(hidden);
    }
  });

  it('is "Page not found" for an organisation that does not publish, exactly as for an unknown one', async () => {
    const off = await visit(`/public/${slugs.b}`);
    const unknown = await visit('/public/no-such-council');
    expect(off.statusCode).toBe(404);
    expect(unknown.statusCode).toBe(404);
    const strip = (html: string) =>
      html
        .replace(/nonce="[^"]*"/g, '')
        .replace(/value="[^"]*"/g, '')
        .replace(/\/public\/[a-z0-9-]+/g, '');
    expect(strip(off.body)).toBe(strip(unknown.body));
    for (const url of [
      `/public/${slugs.b}/strategies/${ids.bStrategy}`,
      `/public/${slugs.b}/reports/${ids.bV1}`,
      `/public/${slugs.b}/reports/${ids.bV1}/report.pdf`,
      `/public/${slugs.b}/reports.atom`,
      '/public/NOT A SLUG',
    ]) {
      expect((await visit(url)).statusCode, url).toBe(404);
    }
  });
});

describe('a public strategy', () => {
  it('shows the areas and the action plan read-only, with status in words', async () => {
    const res = await visit(`/public/${slugs.a}/strategies/${ids.approved}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1 class="govuk-heading-xl">Digital Strategy 2025–2028</h1>');
    expect(res.body).toContain('1. Customer access');
    expect(res.body).toContain('Launch the &lt;online&gt; account');
    expect(res.body).toContain('Not started');
    expect(res.body).toContain('Head of Customer Services');
    expect(res.body).not.toContain('href="/actions/');
    expect(res.body).not.toMatch(/<form method="post"/);
  });

  it('is not found when unapproved, another organisation’s, or a guess', async () => {
    for (const id of [ids.draftStrategy, ids.bStrategy, randomUUID(), 'not-a-uuid']) {
      const res = await visit(`/public/${slugs.a}/strategies/${id}`);
      expect(res.statusCode, id).toBe(404);
      expect(res.body).not.toContain('Secret action');
    }
  });
});

describe('a public report', () => {
  it('shows the web version of a public version, with downloads', async () => {
    const res = await visit(`/public/${slugs.a}/reports/${ids.v1}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1 class="govuk-heading-xl">Quarter one progress report</h1>');
    expect(res.body).toMatch(/<svg [^>]*role="img"/);
    expect(res.body).toContain(`/public/${slugs.a}/reports/${ids.v1}/report.pdf`);
    // The later correction is not public, so the visitor is not pointed to it.
    expect(res.body).not.toContain(ids.v2private);
  });

  it('downloads as Word and PDF from the frozen snapshot', async () => {
    const docx = await visit(`/public/${slugs.a}/reports/${ids.v1}/report.docx`);
    expect(docx.statusCode).toBe(200);
    expect(docx.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    expect(docx.headers['content-disposition']).toMatch(
      /^attachment; filename="quarter-one-progress-report-2026-06-30-v1\.docx"$/,
    );
    const zip = await JSZip.loadAsync(docx.rawPayload);
    expect(await zip.file('word/document.xml')!.async('string')).toContain(
      'Quarter one progress report',
    );
    const pdf = await visit(`/public/${slugs.a}/reports/${ids.v1}/report.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  }, 120_000);

  it('is not found for versions not public, reports not published, other organisations and guesses', async () => {
    for (const id of [
      ids.v2private,
      ids.notPublicV1,
      ids.withdrawnV1,
      ids.draftV,
      ids.bV1,
      ids.published, // a report id is not a version id
      randomUUID(),
      '1',
    ]) {
      for (const suffix of ['', '/report.docx', '/report.pdf']) {
        const res = await visit(`/public/${slugs.a}/reports/${id}${suffix}`);
        expect(res.statusCode, `${id}${suffix}`).toBe(404);
      }
    }
  }, 120_000);
});

describe('the Atom feed', () => {
  it('lists the public reports only, as a valid Atom document', async () => {
    const res = await visit(`/public/${slugs.a}/reports.atom`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    const xml = new XMLParser({ ignoreAttributes: false }).parse(res.body) as {
      feed: { '@_xmlns': string; title: string };
    };
    expect(xml.feed['@_xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(xml.feed.title).toBe(`${nameA}: progress reports`);
    const plain = new XMLParser().parse(res.body) as {
      feed: { entry: { title: string; id: string } | { title: string; id: string }[] };
    };
    const entries = [plain.feed.entry].flat();
    expect(entries).toHaveLength(1);
    expect(entries[0]!.title).toBe('Quarter one progress report (as at 30 June 2026)');
    expect(entries[0]!.id).toMatch(new RegExp(`/public/${slugs.a}/reports/${ids.v1}$`));
    for (const hidden of ['Internal only', 'Withdrawn', 'Draft report', 'private correction']) {
      expect(res.body).not.toContain(hidden);
    }
  });
});

describe('the public pages setting', () => {
  it('lets an administrator turn publishing on and off, audited', async () => {
    const admin = await b.as('admin');
    expect((await admin.get('/admin/settings')).body).toContain('href="/settings/public-pages"');
    const page = await admin.get('/settings/public-pages');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Publish approved strategies and public progress reports');
    expect(page.body).not.toMatch(/name="publish"[^>]*checked/);

    const on = await admin.post('/settings/public-pages', { submitted: 'yes', publish: 'yes' });
    expect(on.statusCode).toBe(303);
    expect(on.headers.location).toBe('/settings/public-pages');
    expect((await orgRow(b.id)).publish_publicly).toBe(true);
    expect((await visit(`/public/${slugs.b}`)).statusCode).toBe(200);
    expect((await visit(`/public/${slugs.b}/reports/${ids.bV1}`)).statusCode).toBe(200);
    const after = await admin.get('/settings/public-pages');
    expect(after.body).toContain('Public pages turned on');
    expect(after.body).toMatch(/name="publish"[^>]*checked/);

    const off = await admin.post('/settings/public-pages', { submitted: 'yes' });
    expect(off.statusCode).toBe(303);
    expect((await orgRow(b.id)).publish_publicly).toBe(false);
    expect((await visit(`/public/${slugs.b}`)).statusCode).toBe(404);

    const events = (await auditFor(t, b.id, b.id)).filter(
      (e) => e.action === 'organisation.updated',
    );
    expect(events.map((e) => e.after)).toEqual([
      { publish_publicly: true },
      { publish_publicly: false },
    ]);
    expect(events[0]!.before).toEqual({ publish_publicly: false });
    expect(events[0]!.actor_user_id).toBe(await b.userId('admin'));
  });

  it('is for administrators only', async () => {
    for (const role of ['editor', 'viewer', 'board'] as const) {
      const agent = await b.as(role);
      expect((await agent.get('/settings/public-pages')).statusCode).toBe(403);
      const res = await agent.post('/settings/public-pages', { publish: 'yes' });
      expect(res.statusCode).toBe(403);
    }
    expect((await orgRow(b.id)).publish_publicly).toBe(false);
  });
});
