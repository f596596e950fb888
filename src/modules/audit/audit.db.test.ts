import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { Agent } from '../../../test/helpers/agent.js';
import { makeOrganisation, makeUser, PASSWORD } from '../../../test/helpers/fixtures.js';
import {
  recordAudit,
  SYSTEM_ACTOR,
  type Actor,
  type AuditInput,
} from '../../kernel/audit/audit.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import type { Role } from '../../kernel/db/schema.js';
import { addMember } from '../organisations/index.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());
afterEach(() => {
  vi.useRealTimers();
});

const db = () => t.database.db;

/** An organisation with a signed-in admin. */
async function adminOf() {
  const org = await makeOrganisation(db());
  const admin = await makeUser(db(), org.id, 'admin');
  const agent = new Agent(t.app);
  await agent.signIn(admin.email, PASSWORD);
  const actor: Actor = {
    userId: admin.id,
    label: `${admin.display_name} <${admin.email}>`,
    requestId: 'req-test',
    ip: '192.0.2.7',
  };
  return { org, admin, agent, actor };
}

async function record(tenantId: string, actor: Actor, input: Omit<AuditInput, 'tenantId'>) {
  await withTenant(db(), tenantId, actor.userId, (trx) =>
    recordAudit(trx, actor, { tenantId, ...input }),
  );
}

/** Runs fn with the clock set to `iso` (only Date is faked: timers and I/O run as usual). */
async function at<T>(iso: string, fn: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(iso));
  try {
    return await fn();
  } finally {
    vi.useRealTimers();
  }
}

/** The "What happened" cells of the events table, top to bottom. */
function whatHappened(html: string): string[] {
  const body = /<tbody class="govuk-table__body">([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr class="govuk-table__row">([\s\S]*?)<\/tr>/g)].map(
    (row) =>
      [
        ...(row[1] ?? '').matchAll(/<td class="govuk-table__cell">([\s\S]*?)<\/td>/g),
      ][2]?.[1]?.trim() ?? '',
  );
}

function errorSummary(html: string): { text: string; href: string }[] {
  const list = /govuk-error-summary__list">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
  return [...list.matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map((m) => ({
    href: m[1] ?? '',
    text: (m[2] ?? '').trim(),
  }));
}

describe('the audit trail page', () => {
  it('lists the organisation’s events newest first, in plain words, and checks the chain', async () => {
    const { org, agent, actor } = await adminOf();
    const colleague = await makeUser(db(), null);
    await addMember(db(), actor, org.id, colleague.id, 'editor');

    const stored = await db()
      .selectFrom('audit_events')
      .select(['action', 'actor_user_id', 'entity_id'])
      .where('tenant_id', '=', org.id)
      .orderBy('seq')
      .execute();
    expect(stored.map((e) => e.action)).toEqual([
      'organisation.created',
      'membership.created',
      'membership.created',
    ]);

    const res = await agent.get('/admin/audit');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1 class="govuk-heading-l">Audit trail</h1>');
    expect(res.body).toContain(
      '<caption class="govuk-table__caption govuk-visually-hidden">Events, newest first</caption>',
    );
    expect(whatHappened(res.body)).toEqual([
      'Person added to the organisation',
      'Person added to the organisation',
      'Organisation created',
    ]);
    // Who, which record (named), and a details link with context for screen readers.
    expect(res.body).toContain(actor.label.replace('<', '&lt;').replace('>', '&gt;'));
    expect(res.body).toContain(`Membership: ${colleague.display_name}`);
    expect(res.body).toContain(`Organisation: ${org.name}`);
    expect(res.body).toMatch(
      /href="\/admin\/audit\/[0-9a-f-]{36}">Details<span class="govuk-visually-hidden"> of event 3: Person added to the organisation<\/span>/,
    );
    expect(res.body).toContain('3 events checked, no changes found');
    expect(res.body).not.toContain(colleague.password);
  });

  it('shows 50 events a page with GOV.UK pagination that keeps the filters', async () => {
    const { org, agent } = await adminOf();
    await withTenant(db(), org.id, null, async (trx) => {
      for (let i = 0; i < 53; i++) {
        await recordAudit(trx, SYSTEM_ACTOR, {
          tenantId: org.id,
          action: 'thing.changed',
          entityType: 'thing',
          entityId: `thing-${String(i)}`,
          after: { n: i },
        });
      }
    });
    const first = await agent.get('/admin/audit?entityType=thing');
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('Showing 1 to 50 of 53 events');
    expect(whatHappened(first.body)).toHaveLength(50);
    expect(first.body).toContain('class="govuk-pagination"');
    expect(first.body).toContain('href="/admin/audit?entityType=thing&amp;page=2" rel="next"');
    expect(first.body).toContain('thing-52');
    expect(first.body).not.toContain('thing-2<');

    const second = await agent.get('/admin/audit?entityType=thing&page=2');
    expect(second.body).toContain('Showing 51 to 53 of 53 events');
    expect(whatHappened(second.body)).toEqual(['Thing changed', 'Thing changed', 'Thing changed']);
    expect(second.body).toContain('href="/admin/audit?entityType=thing" rel="prev"');
    expect(second.body).toContain('aria-current="page"');
    // A page past the end shows the last page rather than nothing.
    expect((await agent.get('/admin/audit?entityType=thing&page=9')).body).toContain(
      'Showing 51 to 53 of 53 events',
    );
  });

  it('filters by person, type of record, record id and dates, read as UK days', async () => {
    const { org, admin, agent, actor } = await adminOf();
    const other = await makeUser(db(), null);
    // 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time).
    await at('2025-06-30T23:30:00Z', () => addMember(db(), actor, org.id, other.id, 'viewer'));
    await at('2025-03-05T12:00:00Z', () =>
      record(org.id, SYSTEM_ACTOR, {
        action: 'strategy.created',
        entityType: 'strategy',
        entityId: 'S-1',
        after: { title: 'ICT strategy 2025-2028' },
      }),
    );

    const byPerson = await agent.get(`/admin/audit?person=${admin.id}`);
    expect(whatHappened(byPerson.body)).toEqual(['Person added to the organisation']);
    expect(byPerson.body).toContain(`<option value="${admin.id}" selected>`);

    const bySystem = await agent.get('/admin/audit?person=system');
    expect(whatHappened(bySystem.body)).toEqual([
      'Strategy created',
      'Person added to the organisation',
      'Organisation created',
    ]);

    const byType = await agent.get('/admin/audit?entityType=organisation');
    expect(whatHappened(byType.body)).toEqual(['Organisation created']);
    expect(byType.body).toContain('<option value="organisation" selected>Organisation</option>');

    const byId = await agent.get('/admin/audit?entityId=S-1');
    expect(whatHappened(byId.body)).toEqual(['Strategy created']);
    expect(byId.body).toContain('value="S-1"');

    const july = await agent.get(
      '/admin/audit?from-day=1&from-month=7&from-year=2025&to-day=1&to-month=7&to-year=2025',
    );
    expect(july.statusCode).toBe(200);
    expect(whatHappened(july.body)).toEqual(['Person added to the organisation']);
    // The filters survive in the CSV link too.
    expect(july.body).toContain(
      'href="/admin/audit.csv?from-day=1&amp;from-month=7&amp;from-year=2025&amp;to-day=1&amp;to-month=7&amp;to-year=2025"',
    );

    const june30 = await agent.get(
      '/admin/audit?from-day=30&from-month=6&from-year=2025&to-day=30&to-month=6&to-year=2025',
    );
    expect(whatHappened(june30.body)).toEqual([]);
    expect(june30.body).toContain('No events match these filters');

    const spring = await agent.get(
      '/admin/audit?from-day=1&from-month=3&from-year=2025&to-day=31&to-month=3&to-year=2025',
    );
    expect(whatHappened(spring.body)).toEqual(['Strategy created']);
    const untilSpring = await agent.get('/admin/audit?to-day=31&to-month=3&to-year=2025');
    expect(whatHappened(untilSpring.body)).toEqual(['Strategy created']);
  });

  it('says what is wrong with a date, and links to the box to fix', async () => {
    const { agent } = await adminOf();
    const notReal = await agent.get('/admin/audit?from-day=31&from-month=2&from-year=2025');
    expect(notReal.statusCode).toBe(400);
    expect(notReal.body).toContain('<title>Error: Audit trail');
    expect(errorSummary(notReal.body)).toEqual([
      { href: '#from-day', text: 'From date must be a real date' },
    ]);
    expect(notReal.body).toContain('value="31"');
    expect(notReal.body).toMatch(
      /class="govuk-input govuk-date-input__input govuk-input--width-2 govuk-input--error" id="from-day"/,
    );
    expect(notReal.body).not.toContain('<caption class="govuk-table__caption');

    const noMonth = await agent.get('/admin/audit?to-day=3&to-year=2025');
    expect(errorSummary(noMonth.body)).toEqual([
      { href: '#to-month', text: 'To date must include a month' },
    ]);

    const shortYear = await agent.get('/admin/audit?from-day=3&from-month=4&from-year=25');
    expect(errorSummary(shortYear.body)).toEqual([
      { href: '#from-year', text: 'From date must have a year with 4 numbers, like 2026' },
    ]);

    const backwards = await agent.get(
      '/admin/audit?from-day=2&from-month=4&from-year=2025&to-day=1&to-month=4&to-year=2025',
    );
    expect(errorSummary(backwards.body)).toEqual([
      { href: '#to-day', text: 'To date must be the same as or after the from date' },
    ]);

    const words = await agent.get('/admin/audit?from-day=first&from-month=may&from-year=2025');
    expect(errorSummary(words.body)).toEqual([
      { href: '#from-day', text: 'From date must be a real date' },
    ]);

    const person = await agent.get('/admin/audit?person=somebody');
    expect(person.statusCode).toBe(400);
    expect(errorSummary(person.body)).toEqual([
      { href: '#person', text: 'Select a person from the list' },
    ]);
  });
});

describe('the CSV export', () => {
  it('has a header, the filtered rows, and defuses spreadsheet formulas', async () => {
    const { org, agent, actor } = await adminOf();
    await record(
      org.id,
      { ...actor, label: '=HYPERLINK("http://evil.example")' },
      {
        action: 'note.created',
        entityType: 'note',
        entityId: '+44 1234',
        before: null,
        after: { text: '@SUM(A1:A9)', amount: -5 },
      },
    );
    const res = await agent.get('/admin/audit.csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(
      new RegExp(`^attachment; filename="audit-trail-${org.slug}-\\d{4}-\\d{2}-\\d{2}\\.csv"$`),
    );
    const text = res.body.replace(/^\uFEFF/, '');
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe(
      'Time (ISO 8601 UTC),Person,Action,Entity type,Entity ID,Before (JSON),After (JSON),Request ID,Address',
    );
    expect(lines).toHaveLength(1 + 3);
    // Newest first: the note, then the admin's membership, then the organisation.
    expect(lines[1]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z,/);
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
    expect(lines[1]).toContain(",note.created,note,'+44 1234,,");
    expect(lines[1]).toContain('"{""text"":""@SUM(A1:A9)"",""amount"":-5}"');
    expect(lines[1]).toMatch(/,req-test,192\.0\.2\.7$/);
    expect(lines[3]).toContain(',organisation.created,organisation,');
    expect(lines[3]).toContain(`""name"":""${org.name}""`);

    const filtered = await agent.get('/admin/audit.csv?entityType=organisation');
    expect(filtered.body.trim().split('\n')).toHaveLength(2);

    const invalid = await agent.get('/admin/audit.csv?from-day=40&from-month=1&from-year=2025');
    expect(invalid.statusCode).toBe(400);
    expect(invalid.headers['content-type']).toContain('text/html');
    expect(invalid.body).toContain('From date must be a real date');
  });
});

describe('one event and one record’s history', () => {
  it('shows who, when, what and the fields that changed, with the hashes', async () => {
    const { org, agent, actor } = await adminOf();
    await record(org.id, actor, {
      action: 'membership.role_changed',
      entityType: 'membership',
      entityId: 'person-9',
      before: { role: 'viewer', name: 'Sam Patel', teams: ['ict'] },
      after: { role: 'editor', name: 'Sam Patel', teams: ['ict', 'pmo'], note: 'promoted' },
    });
    const event = await db()
      .selectFrom('audit_events')
      .selectAll()
      .where('tenant_id', '=', org.id)
      .where('entity_id', '=', 'person-9')
      .executeTakeFirstOrThrow();
    const res = await agent.get(`/admin/audit/${event.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`Event #${String(event.seq)}: Person’s role changed`);
    expect(res.body).toContain('membership.role_changed');
    expect(res.body).toContain('req-test');
    expect(res.body).toContain('192.0.2.7');
    expect(res.body).toContain(event.hash);
    expect(res.body).toContain(event.prev_hash);
    const rows = [
      ...res.body.matchAll(
        /<th scope="row" class="govuk-table__header">([^<]+)<\/th>\s*<td class="govuk-table__cell">([\s\S]*?)<\/td>\s*<td class="govuk-table__cell">([\s\S]*?)<\/td>/g,
      ),
    ].map((m) => [
      m[1],
      m[2]!.replace(/<[^>]+>/g, '').trim(),
      m[3]!.replace(/<[^>]+>/g, '').trim(),
    ]);
    expect(rows).toEqual([
      ['role', 'viewer', 'editor'],
      ['teams', '[&quot;ict&quot;]', '[&quot;ict&quot;,&quot;pmo&quot;]'],
      ['note', 'Not set', 'promoted'],
    ]);
    expect(res.body).toContain('Contents match the hash');
    expect(res.body).toMatch(
      /Contents match the hash\s*<\/dt>\s*<dd class="govuk-summary-list__value">\s*Yes/,
    );

    const historyHref = '/admin/audit/records/membership/person-9';
    expect(res.body).toContain(`href="${historyHref}">History of this record</a>`);
    const history = await agent.get(historyHref);
    expect(history.statusCode).toBe(200);
    expect(history.body).toContain('History of this record');
    expect(history.body).toContain('Sam Patel');
    expect(whatHappened(history.body)).toEqual(['Person’s role changed']);
  });

  it('answers "not found" for an unknown event or record, or a malformed id', async () => {
    const { agent } = await adminOf();
    expect((await agent.get('/admin/audit/01900000-0000-7000-8000-000000000000')).statusCode).toBe(
      404,
    );
    expect((await agent.get('/admin/audit/not-an-id')).statusCode).toBe(404);
    expect((await agent.get('/admin/audit/records/membership/nobody')).statusCode).toBe(404);
  });
});

describe('separation between organisations', () => {
  it('never lists, exports or shows another organisation’s events', async () => {
    const a = await adminOf();
    const b = await adminOf();
    await record(b.org.id, b.actor, {
      action: 'secret.created',
      entityType: 'secret-plan',
      entityId: 'B-PLAN',
      after: { title: 'Only for B' },
    });
    const bEvent = await db()
      .selectFrom('audit_events')
      .select(['id'])
      .where('tenant_id', '=', b.org.id)
      .where('entity_id', '=', 'B-PLAN')
      .executeTakeFirstOrThrow();

    expect((await a.agent.get(`/admin/audit/${bEvent.id}`)).statusCode).toBe(404);
    expect((await a.agent.get('/admin/audit/records/secret-plan/B-PLAN')).statusCode).toBe(404);
    const page = await a.agent.get('/admin/audit');
    expect(page.body).not.toContain(b.org.name);
    expect(page.body).not.toContain('secret-plan');
    expect(page.body).not.toContain(b.admin.email);
    expect((await a.agent.get('/admin/audit?entityId=B-PLAN')).body).toContain(
      'No events match these filters',
    );
    const csv = await a.agent.get('/admin/audit.csv');
    expect(csv.body).not.toContain('B-PLAN');
    expect(csv.body).not.toContain(b.org.name);
    // B's own admin sees it.
    expect((await b.agent.get(`/admin/audit/${bEvent.id}`)).statusCode).toBe(200);
    // Row-level security, not only the code's where clause: a raw query in A's transaction sees none of B.
    const seen = await withTenant(db(), a.org.id, a.admin.id, (trx) =>
      trx.selectFrom('audit_events').select('tenant_id').distinct().execute(),
    );
    expect(seen.map((r) => r.tenant_id)).toEqual([a.org.id]);
  });
});

describe('who may read the trail', () => {
  const urls = (eventId: string) => [
    '/admin/audit',
    '/admin/audit.csv',
    `/admin/audit/${eventId}`,
    '/admin/audit/records/organisation/x',
  ];

  it.each<Role>(['editor', 'contributor', 'board', 'viewer'])('refuses a %s', async (role) => {
    const org = await makeOrganisation(db());
    const person = await makeUser(db(), org.id, role);
    const event = await db()
      .selectFrom('audit_events')
      .select('id')
      .where('tenant_id', '=', org.id)
      .executeTakeFirstOrThrow();
    const agent = new Agent(t.app);
    await agent.signIn(person.email, PASSWORD);
    for (const url of urls(event.id)) {
      const res = await agent.get(url);
      expect(res.statusCode, url).toBe(403);
      expect(res.body).not.toContain('organisation.created');
    }
    // Nor is it in their navigation.
    expect((await agent.get('/')).body).not.toContain('href="/admin/audit"');
  });

  it('sends a signed-out visitor to sign in', async () => {
    const res = await new Agent(t.app).get('/admin/audit?person=system');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/sign-in?next=%2Fadmin%2Faudit%3Fperson%3Dsystem');
  });
});
