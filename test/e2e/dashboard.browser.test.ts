import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODES, START_TIMEOUT, startHarness, type Harness, type Session } from './harness.js';
import { PASSWORD } from '../helpers/fixtures.js';
import { todayInLondon } from '../../src/modules/strategy/index.js';
import {
  makePlan,
  makeReportOrg,
  recordUpdate,
} from '../../src/modules/governance/report.test-support.js';
import {
  insertReport,
  insertVersion,
  snapshotFor,
} from '../../src/modules/governance/public.test-support.js';

/**
 * A programme officer reads a strategy's dashboard (charts with data tables); an administrator
 * turns the public pages on; a member of the public, not signed in, reads the organisation's
 * public page and a published report. JavaScript on and off, axe on every page.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, START_TIMEOUT);
afterAll(async () => h.close(), START_TIMEOUT);

describe.each(MODES)('the dashboard and the public pages (JavaScript %s)', (mode) => {
  let admin: Session;
  let visitor: Session;
  let strategyId: string;
  let slug: string;
  let title: string;

  beforeAll(async () => {
    const org = await makeReportOrg(h.t);
    const editor = await org.ctx('editor');
    title = `Digital Strategy (${mode})`;
    const plan = await makePlan(h.t, editor, {
      title,
      areas: [
        {
          number: '1',
          title: 'Customer access',
          actions: [
            { ref: '1.1', title: 'Online account', lead: 'Head of Customer Services' },
            { ref: '1.2', title: 'Cloud telephony', lead: 'Head of ICT', timescale: 'March 2020' },
          ],
        },
      ],
    });
    strategyId = plan.strategy.id;
    await recordUpdate(h.t, editor, plan.actions['1.1']!.id, {
      status: 'at_risk',
      forecastStatus: 'on_track',
      happened: 'Supplier slipped a week',
      asAt: todayInLondon(),
    });
    const row = await h.t.database.db
      .selectFrom('organisations')
      .select(['slug', 'name'])
      .where('id', '=', org.id)
      .executeTakeFirstOrThrow();
    slug = row.slug;
    const editorId = await org.userId('editor');
    const reportId = await insertReport(h.t, org.id, {
      strategyId,
      title: 'Quarterly progress report',
      status: 'published',
      asAt: '2026-06-30',
      createdBy: editorId,
    });
    await insertVersion(h.t, org.id, {
      reportId,
      version: 1,
      public: true,
      snapshot: snapshotFor({
        organisation: row.name,
        strategyTitle: title,
        title: 'Quarterly progress report',
        asAt: '2026-06-30',
      }),
      publishedBy: editorId,
    });
    // The admin signs in through the form.
    const adminEmail = await h.t.database.db
      .selectFrom('users')
      .select('email')
      .where('id', '=', await org.userId('admin'))
      .executeTakeFirstOrThrow();
    admin = await h.newSession(mode);
    await admin.signIn(adminEmail.email, PASSWORD);
    visitor = await h.newSession(mode);
  }, START_TIMEOUT);

  it('shows a strategy’s dashboard with charts, data tables and status in words', async () => {
    await admin.goto(`/strategies/${strategyId}`);
    await admin.followLink('Dashboard');
    expect(admin.path()).toBe(`/strategies/${strategyId}/dashboard`);
    expect(await admin.heading()).toBe('Dashboard');
    const charts = admin.page.locator('svg[role="img"]');
    expect(await charts.count()).toBe(4);
    expect(await admin.page.locator('svg[role="img"] title').first().textContent()).toBe(
      'Actions by status, now and forecast',
    );
    const text = await admin.mainText();
    expect(text).toContain('Data for the chart: Actions by status, now and forecast');
    expect(text).toContain('At risk');
    expect(text).toContain('Cloud telephony'); // overdue
    admin.done();
  });

  it('turns the public pages on', async () => {
    await admin.goto('/settings/public-pages');
    expect(await admin.heading()).toBe('Public pages');
    await admin.tick('Publish approved strategies and public progress reports');
    await admin.submit('Save');
    expect(await admin.flash()).toContain('Public pages turned on');
    admin.done();
  });

  it('lets a visitor read the public page, a strategy and a report without signing in', async () => {
    await visitor.goto(`/public/${slug}`);
    expect(await visitor.heading()).toBe('Strategies and progress reports');
    await visitor.followLink(title);
    expect(await visitor.heading()).toBe(title);
    expect(await visitor.mainText()).toContain('Online account');
    await visitor.followLink('Strategies and progress reports');
    await visitor.followLink(/^Quarterly progress report/);
    expect(await visitor.heading()).toBe('Quarterly progress report');
    const text = await visitor.mainText();
    expect(text).toContain('1.1');
    expect(text).toContain('Download this report as a Word document');
    visitor.done();
  });
});
