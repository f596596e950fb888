import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { Agent } from '../../../test/helpers/agent.js';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { makeOrganisation, makeUser, PASSWORD } from '../../../test/helpers/fixtures.js';
import type { TenantContext } from '../../kernel/auth/plugin.js';
import { ROLES, type Role } from '../../kernel/db/schema.js';
import { createApiToken } from '../api/index.js';
import { archiveAction, createAction } from './action.service.js';
import { recordProgress } from './progress.service.js';
import { search, type SearchResults } from './search.service.js';
import { actionInput, progressInput, strategyInput } from './strategy.schemas.js';
import { addArea, createStrategy } from './strategy.service.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

interface Council {
  tenantId: string;
  ctx: TenantContext;
  strategyId: string;
  otherStrategyId: string;
  areaId: string;
  ids: Record<string, string>;
  updateId: string;
  archivedUpdateId: string;
}

/**
 * A council's strategy, written through the services as an editor would: a strategy and an
 * area with gap analysis, actions, progress updates, an archived action, and a second strategy.
 */
async function makeCouncil(): Promise<Council> {
  const org = await makeOrganisation(t.database.db);
  const editor = await makeUser(t.database.db, org.id, 'editor');
  const ctx: TenantContext = {
    tenantId: org.id,
    role: 'editor',
    actor: { userId: editor.id, label: editor.email },
  };
  const db = t.database.db;
  const strategy = await createStrategy(
    db,
    ctx,
    strategyInput.parse({
      title: 'Digital Inclusion Strategy',
      periodLabel: '2026–2029',
      summary: 'How the council will close the digital divide, from broadband to skills.',
    }),
  );
  const area = await addArea(db, ctx, strategy.id, {
    number: '3',
    title: 'Connectivity',
    vision: 'Every household can reach **superfast broadband** by 2029.',
    currentPosition: 'Coverage is patchy in the hill villages.',
  });
  const ids: Record<string, string> = {};
  const actions: Record<string, Record<string, string>> = {
    '4.7': {
      title: 'Replace the telephony platform',
      description: 'Move every office to cloud telephony.',
    },
    '1.2': { title: '<script>alert(1)</script> review', description: 'An awkward title & more.' },
    '2.1': {
      title: 'Broadband rollout for libraries',
      targets: 'All libraries connected',
      comments: 'Rural branches first',
    },
    '2.2': { title: 'Broadband vouchers for residents', outcome: 'Take-up in towns' },
    '3.1': { title: 'Close the data centre', lead: 'Head of ICT' },
    '3.2': { title: 'Data quality in the centre of town', description: 'See 4.7 first.' },
    '9.9': { title: 'Decommission the fax servers' },
  };
  for (const [ref, fields] of Object.entries(actions)) {
    const action = await createAction(
      db,
      ctx,
      strategy.id,
      actionInput.parse({ ref, areaId: area.id, ...fields }),
    );
    ids[ref] = action.id;
  }
  const update = await recordProgress(
    db,
    ctx,
    ids['2.1']!,
    progressInput.parse({
      status: 'on_track',
      happened: 'We are reviewing the supplier bids for the library broadband.',
      nextSteps: 'Award the contract in the spring.',
    }),
  );
  const archivedUpdate = await recordProgress(
    db,
    ctx,
    ids['9.9']!,
    progressInput.parse({ status: 'at_risk', happened: 'The fax servers still carry orders.' }),
  );
  await archiveAction(db, ctx, ids['9.9']!, 'No longer needed');
  const other = await createStrategy(
    db,
    ctx,
    strategyInput.parse({ title: 'Customer Access Strategy' }),
  );
  const otherAction = await createAction(
    db,
    ctx,
    other.id,
    actionInput.parse({ ref: '1.1', title: 'Broadband in the contact centre' }),
  );
  ids['other 1.1'] = otherAction.id;
  return {
    tenantId: org.id,
    ctx,
    strategyId: strategy.id,
    otherStrategyId: other.id,
    areaId: area.id,
    ids,
    updateId: update.id,
    archivedUpdateId: archivedUpdate.id,
  };
}

async function viewerOf(council: Council, role: Role = 'viewer') {
  const user = await makeUser(t.database.db, council.tenantId, role);
  const agent = new Agent(t.app);
  await agent.signIn(user.email, PASSWORD);
  return agent;
}

async function tokenOf(council: Council, role: Role = 'viewer') {
  const user = await makeUser(t.database.db, council.tenantId, role);
  const { token } = await createApiToken(
    t.database.db,
    { userId: null, label: 'Test set-up' },
    {
      tenantId: council.tenantId,
      userId: user.id,
      name: 'search',
      scopes: ['read'],
      expiresAt: null,
    },
  );
  return token;
}

function api(url: string, token: string) {
  return t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
}

interface ApiResult {
  type: string;
  id: string;
  title: string;
  titleHighlighted: string;
  snippet: string | null;
  rank: number;
  strategyId: string;
  actionId: string | null;
  archived: boolean;
  href: string;
}
interface ApiPage {
  data: ApiResult[];
  links: { self: string; first: string; next: string | null; prev: string | null };
  meta: {
    limit: number;
    count: number;
    page: number;
    pageCount: number;
    total: number;
    counts: Record<string, number>;
    searchable: boolean;
  };
}

const idsOf = (r: SearchResults) => r.hits.map((h) => h.id);

/** The results list of the search page: each result's link and its text. */
function resultLinks(res: LightMyRequestResponse): { href: string; html: string }[] {
  return [
    ...res.body.matchAll(
      /<h3 class="govuk-heading-s[^"]*"><a class="govuk-link" href="([^"]+)">(.*?)<\/a><\/h3>/g,
    ),
  ].map((m) => ({ href: m[1]!, html: m[2]! }));
}

let a: Council;
let b: Council;
beforeAll(async () => {
  a = await makeCouncil();
  b = await makeCouncil();
});

describe('search service', () => {
  it('finds each type: a strategy by its summary, an area by its vision, an action, an update', async () => {
    const byType = async (q: string) => search(t.database.db, a.ctx, { q });
    expect(idsOf(await byType('divide'))).toEqual([a.strategyId]);
    expect(idsOf(await byType('patchy'))).toEqual([a.areaId]);
    expect(idsOf(await byType('telephony'))).toEqual([a.ids['4.7']]);
    expect(idsOf(await byType('supplier bids'))).toEqual([a.updateId]);
    const found = await byType('broadband');
    expect(found.counts).toEqual({ strategy: 1, area: 1, action: 3, update: 1, all: 6 });
    const update = found.hits.find((h) => h.type === 'update');
    expect(update).toMatchObject({
      actionId: a.ids['2.1'],
      strategyId: a.strategyId,
      strategyTitle: 'Digital Inclusion Strategy',
      status: 'on_track',
    });
    expect(update?.asAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('finds other forms of a word (English stemming)', async () => {
    const reviewing = await search(t.database.db, a.ctx, { q: 'reviewing' });
    expect(idsOf(reviewing)).toEqual(expect.arrayContaining([a.ids['1.2'], a.updateId]));
    const reviews = await search(t.database.db, a.ctx, { q: 'reviews' });
    expect(idsOf(reviews).sort()).toEqual(idsOf(reviewing).sort());
    // "connecting", "connected" and "Connectivity" share the stem "connect".
    const connect = await search(t.database.db, a.ctx, { q: 'connecting' });
    expect(idsOf(connect).sort()).toEqual([a.ids['2.1'], a.areaId].sort());
  });

  it('keeps "quoted phrases" together and leaves out -exclusions', async () => {
    const phrase = await search(t.database.db, a.ctx, { q: '"data centre"' });
    expect(idsOf(phrase)).toEqual([a.ids['3.1']]);
    const words = await search(t.database.db, a.ctx, { q: 'data centre' });
    expect(idsOf(words).sort()).toEqual([a.ids['3.1'], a.ids['3.2']].sort());
    const excluded = await search(t.database.db, a.ctx, { q: 'broadband -rural', type: 'action' });
    expect(idsOf(excluded).sort()).toEqual([a.ids['2.2'], a.ids['other 1.1']].sort());
    const either = await search(t.database.db, a.ctx, { q: 'telephony or vouchers' });
    expect(idsOf(either).sort()).toEqual([a.ids['4.7'], a.ids['2.2']].sort());
  });

  it('puts an action whose reference is typed exactly first, above texts that mention it', async () => {
    const found = await search(t.database.db, a.ctx, { q: '4.7' });
    expect(found.hits[0]).toMatchObject({ type: 'action', id: a.ids['4.7'] });
    expect(found.hits[0]!.rank).toBeGreaterThanOrEqual(1);
    // 3.2's description says "See 4.7 first": found, but after.
    expect(idsOf(found)).toContain(a.ids['3.2']);
    expect(found.hits[1]!.rank).toBeLessThan(1);
    // A reference the text parser reads differently ("A-12" loses its "a") is still found.
    const odd = await createAction(
      t.database.db,
      a.ctx,
      a.otherStrategyId,
      actionInput.parse({ ref: 'A-12', title: 'Kiosks in the foyer' }),
    );
    expect(idsOf(await search(t.database.db, a.ctx, { q: 'a-12' }))[0]).toBe(odd.id);
  });

  it('marks the matched words and keeps the rest of the text raw for the caller to escape', async () => {
    const found = await search(t.database.db, a.ctx, { q: 'review', type: 'action' });
    const hit = found.hits.find((h) => h.id === a.ids['1.2']);
    expect(hit?.title).toBe('1.2 <script>alert(1)</script> \uE000review\uE001');
    const area = await search(t.database.db, a.ctx, { q: 'superfast', type: 'area' });
    expect(area.hits[0]?.title).toBe('3 Connectivity');
    expect(area.hits[0]?.snippet).toContain('\uE000superfast\uE001');
  });

  it('never shows one organisation another’s results, though the words are the same', async () => {
    const inA = await search(t.database.db, a.ctx, { q: 'broadband' });
    const inB = await search(t.database.db, b.ctx, { q: 'broadband' });
    expect(inA.counts).toEqual(inB.counts);
    const aIds = new Set(Object.values(a.ids).concat(a.strategyId, a.areaId, a.updateId));
    const bIds = new Set(Object.values(b.ids).concat(b.strategyId, b.areaId, b.updateId));
    expect(inA.hits.every((h) => aIds.has(h.id) && !bIds.has(h.id))).toBe(true);
    expect(inB.hits.every((h) => bIds.has(h.id) && !aIds.has(h.id))).toBe(true);
    expect(idsOf(await search(t.database.db, b.ctx, { q: '4.7' }))[0]).toBe(b.ids['4.7']);
  });

  it('leaves out archived actions and their updates unless asked', async () => {
    expect((await search(t.database.db, a.ctx, { q: 'fax' })).total).toBe(0);
    const all = await search(t.database.db, a.ctx, { q: 'fax', includeArchived: true });
    expect(idsOf(all).sort()).toEqual([a.ids['9.9'], a.archivedUpdateId].sort());
    expect(all.hits.every((h) => h.archived)).toBe(true);
  });

  it('filters by type and by strategy, counting every type', async () => {
    const actions = await search(t.database.db, a.ctx, { q: 'broadband', type: 'action' });
    expect(actions.hits.every((h) => h.type === 'action')).toBe(true);
    expect(actions.total).toBe(3);
    expect(actions.counts.all).toBe(6);
    // None of the chosen type: the other types are still counted.
    const noUpdates = await search(t.database.db, a.ctx, { q: 'telephony', type: 'update' });
    expect(noUpdates).toMatchObject({ total: 0, hits: [], pageCount: 0 });
    expect(noUpdates.counts).toEqual({ strategy: 0, area: 0, action: 1, update: 0, all: 1 });
    const one = await search(t.database.db, a.ctx, { q: 'broadband', strategyId: a.strategyId });
    expect(one.counts).toEqual({ strategy: 1, area: 1, action: 2, update: 1, all: 5 });
    expect(one.hits.every((h) => h.strategyId === a.strategyId)).toBe(true);
  });

  it('says when the words are too common to search on, without an error', async () => {
    const found = await search(t.database.db, a.ctx, { q: 'the and of' });
    expect(found).toMatchObject({ searchable: false, total: 0, hits: [] });
  });
});

describe('GET /search', () => {
  it('shows just the form when nothing has been typed', async () => {
    const agent = await viewerOf(a);
    const res = await agent.get('/search');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<title>Search –');
    expect(res.body).toMatch(/<form method="get" action="\/search" role="search"/);
    const input = /<input\s[^>]*id="q"[^>]*>/.exec(res.body)?.[0].replace(/\s+/g, ' ');
    expect(input).toContain('name="q" type="search"');
    expect(res.body).toContain('<label class="govuk-label govuk-label--s" for="q">');
    expect(res.body).not.toContain('results-heading');
  });

  it('lists results with their type, a link, the strategy they belong to and a marked snippet', async () => {
    const agent = await viewerOf(a);
    const res = await agent.get('/search?q=broadband');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<title>Search results for “broadband” –');
    expect(res.body).toContain('6 results');
    const links = resultLinks(res);
    expect(links.map((l) => l.href)).toEqual(
      expect.arrayContaining([
        `/strategies/${a.strategyId}`,
        `/strategies/${a.strategyId}#area-${a.areaId}`,
        `/actions/${a.ids['2.1']!}`,
        `/actions/${a.ids['2.1']!}#update-${a.updateId}`,
        `/actions/${a.ids['other 1.1']!}`,
      ]),
    );
    // The update's link lands on the update itself in the action's history.
    const target = await agent.get(`/actions/${a.ids['2.1']!}`);
    expect(target.body).toContain(`id="update-${a.updateId}"`);
    expect(links.find((l) => l.href === `/actions/${a.ids['2.2']!}`)?.html).toBe(
      '2.2 <mark>Broadband</mark> vouchers for residents',
    );
    expect(res.body).toContain(
      '<strong class="govuk-tag govuk-tag--grey">Progress update</strong>',
    );
    expect(res.body).toContain('In Digital Inclusion Strategy (2026–2029)');
    expect(res.body).toContain('In Customer Access Strategy');
    // The area's Markdown reads as words in its snippet.
    expect(res.body).toContain(
      'Every household can reach superfast <mark>broadband</mark> by 2029.',
    );
    // The filters by type, with counts, keep the words.
    expect(res.body).toContain('<strong aria-current="page">All results (6)</strong>');
    expect(res.body).toContain(
      '<a class="govuk-link" href="/search?q=broadband&amp;type=action">Actions (3)</a>',
    );
  });

  it('escapes HTML in the text, marking only the matched word', async () => {
    const agent = await viewerOf(a);
    const res = await agent.get('/search?q=review&type=action');
    const link = resultLinks(res).find((l) => l.href === `/actions/${a.ids['1.2']!}`);
    expect(link?.html).toBe('1.2 &lt;script&gt;alert(1)&lt;/script&gt; <mark>review</mark>');
    expect(res.body).not.toContain('<script>alert(1)</script>');
    expect(res.body).toContain('An awkward title &amp; more.');
  });

  it('filters by type and strategy and includes archived actions when asked, in the address', async () => {
    const agent = await viewerOf(a);
    const typed = await agent.get(`/search?q=broadband&type=update&strategy=${a.strategyId}`);
    expect(resultLinks(typed).map((l) => l.href)).toEqual([
      `/actions/${a.ids['2.1']!}#update-${a.updateId}`,
    ]);
    expect(typed.body).toContain('<strong aria-current="page">Progress updates (1)</strong>');
    expect(typed.body).toContain(`<option value="${a.strategyId}" selected>`);
    const hidden = await agent.get('/search?q=fax');
    expect(hidden.body).toContain('There are no matching results.');
    const shown = await agent.get('/search?q=fax&archived=1');
    expect(
      resultLinks(shown)
        .map((l) => l.href)
        .sort(),
    ).toEqual(
      [
        `/actions/${a.ids['9.9']!}`,
        `/actions/${a.ids['9.9']!}#update-${a.archivedUpdateId}`,
      ].sort(),
    );
    expect(shown.body).toContain('Archived</strong>');
    expect(shown.body).toMatch(/name="archived" type="checkbox" value="1" checked/);
  });

  it('gives advice when nothing matches, and when the words are too common', async () => {
    const agent = await viewerOf(a);
    const none = await agent.get('/search?q=zeppelin');
    expect(none.statusCode).toBe(200);
    expect(none.body).toContain('0 results');
    expect(none.body).toContain('There are no matching results.');
    expect(none.body).toContain('checking your spelling');
    expect(none.body).toContain('<li>including archived actions</li>');
    // No results in the filters either: they are left out.
    expect(none.body).not.toContain('Results by type');
    const otherType = await agent.get('/search?q=telephony&type=update');
    expect(otherType.body).toContain('None of the matching results are progress updates.');
    expect(otherType.body).toContain('<li>looking at every type of result</li>');
    expect(otherType.body).toContain('href="/search?q=telephony&amp;type=action">Actions (1)</a>');
    const common = await agent.get('/search?q=the');
    expect(common.body).toContain('Your search only has very common words');
  });

  it('never fails on odd input: quotes, symbols, operators, control characters', async () => {
    const agent = await viewerOf(a);
    const odd = [
      '"unbalanced',
      '&',
      ':',
      '*',
      'a & b | !c',
      "'); drop table actions; --",
      'review\u0000',
      '<>',
      '(((',
      '!!!',
      '-',
      '""',
      '\\',
      '%',
      'é broadband ü',
      '🙂 broadband',
      '1.2.3.4.5',
      '&:*'.repeat(66),
    ];
    for (const q of odd) {
      const res = await agent.get(`/search?q=${encodeURIComponent(q)}`);
      expect(res.statusCode, q).toBe(200);
    }
    // A browser's form sends spaces as "+".
    const plus = await agent.get('/search?q=data+centre');
    expect(plus.body).toContain('2 results');
    const emoji = await agent.get(`/search?q=${encodeURIComponent('🙂 broadband')}`);
    expect(emoji.body).toContain('6 results');
    const nul = await agent.get(`/search?q=${encodeURIComponent('review\u0000')}`);
    expect(resultLinks(nul).length).toBeGreaterThan(0);
    // Repeated or unknown parameters fall back to their defaults.
    const repeated = await agent.get('/search?q=broadband&q=fax&type=nonsense&page=abc&strategy=1');
    expect(repeated.statusCode).toBe(200);
    expect(repeated.body).toContain('6 results');
  });

  it('refuses words over 200 characters with a plain message, keeping what was typed', async () => {
    const agent = await viewerOf(a);
    const long = 'broadband '.repeat(25);
    const res = await agent.get(`/search?q=${encodeURIComponent(long)}`);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<title>Error: Search –');
    expect(res.body).toContain('<a href="#q">Search words must be 200 characters or fewer</a>');
    expect(res.body).toContain('broadband broadband');
    expect(res.body).not.toContain('results-heading');
    // Exactly 200 is fine.
    const edge = await agent.get(`/search?q=${'b'.repeat(200)}`);
    expect(edge.statusCode).toBe(200);
  });

  it('lets every role search, and sends someone signed out to sign in', async () => {
    for (const role of ROLES) {
      const agent = await viewerOf(a, role);
      const res = await agent.get('/search?q=telephony');
      expect(res.statusCode, role).toBe(200);
      expect(
        resultLinks(res).map((l) => l.href),
        role,
      ).toEqual([`/actions/${a.ids['4.7']!}`]);
    }
    const res = await t.app.inject({ method: 'GET', url: '/search?q=telephony' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/sign-in?next=${encodeURIComponent('/search?q=telephony')}`);
  });

  it('writes nothing to the audit trail: searching changes nothing', async () => {
    const count = async () =>
      (
        await t.database.db
          .selectFrom('audit_events')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('tenant_id', '=', a.tenantId)
          .executeTakeFirstOrThrow()
      ).n;
    const agent = await viewerOf(a);
    const token = await tokenOf(a);
    const before = await count();
    expect((await agent.get('/search?q=broadband')).statusCode).toBe(200);
    expect((await api('/api/v1/search?q=telephony', token)).statusCode).toBe(200);
    expect(await count()).toBe(before);
  });
});

describe('search pagination', () => {
  let c: Council;
  beforeAll(async () => {
    c = await makeCouncil();
    for (let i = 1; i <= 25; i++) {
      await createAction(
        t.database.db,
        c.ctx,
        c.otherStrategyId,
        actionInput.parse({ ref: `7.${String(i)}`, title: `Kiosk number ${String(i)}` }),
      );
    }
  });

  it('shows 20 results a page, with the page in the address', async () => {
    const agent = await viewerOf(c);
    const first = await agent.get('/search?q=kiosk');
    expect(resultLinks(first)).toHaveLength(20);
    expect(first.body).toContain('Showing 1 to 20 of 25 results');
    expect(first.body).toContain('href="/search?q=kiosk&amp;page=2"');
    const second = await agent.get('/search?q=kiosk&page=2');
    expect(resultLinks(second)).toHaveLength(5);
    expect(second.body).toContain('<title>Search results for “kiosk” (page 2 of 2) –');
    expect(second.body).toContain('Showing 21 to 25 of 25 results');
    const hrefs = new Set([...resultLinks(first), ...resultLinks(second)].map((l) => l.href));
    expect(hrefs.size).toBe(25);
    // A page past the end shows the last one.
    const past = await agent.get('/search?q=kiosk&page=9');
    expect(resultLinks(past)).toHaveLength(5);
  });

  it('pages the API by number with links', async () => {
    const token = await tokenOf(c);
    const res = await api('/api/v1/search?q=kiosk&limit=10&page=3', token);
    expect(res.statusCode).toBe(200);
    const body = res.json<ApiPage>();
    expect(body.meta).toMatchObject({ limit: 10, count: 5, page: 3, pageCount: 3, total: 25 });
    expect(body.links).toEqual({
      self: '/api/v1/search?q=kiosk&limit=10&page=3',
      first: '/api/v1/search?q=kiosk&limit=10&page=1',
      next: null,
      prev: '/api/v1/search?q=kiosk&limit=10&page=2',
    });
  });
});

describe('GET /api/v1/search', () => {
  it('returns the same results as JSON, marked with [[ ]], best first', async () => {
    const token = await tokenOf(a, 'contributor');
    const res = await api('/api/v1/search?q=review&type=action', token);
    expect(res.statusCode).toBe(200);
    const body = res.json<ApiPage>();
    const hit = body.data.find((d) => d.id === a.ids['1.2']);
    expect(hit).toMatchObject({
      type: 'action',
      title: '1.2 <script>alert(1)</script> review',
      titleHighlighted: '1.2 <script>alert(1)</script> [[review]]',
      strategyId: a.strategyId,
      actionId: a.ids['1.2'],
      archived: false,
      href: `/actions/${a.ids['1.2']!}`,
    });
    const ranks = body.data.map((d) => d.rank);
    expect(ranks).toEqual([...ranks].sort((x, y) => y - x));
    const broadband = (await api('/api/v1/search?q=broadband', token)).json<ApiPage>();
    expect(broadband.meta.counts).toEqual({ strategy: 1, area: 1, action: 3, update: 1, all: 6 });
    const update = broadband.data.find((d) => d.type === 'update');
    expect(update?.snippet).toContain('the library [[broadband]]');
    expect(update?.href).toBe(`/actions/${a.ids['2.1']!}#update-${a.updateId}`);
    const exact = (await api('/api/v1/search?q=4.7', token)).json<ApiPage>();
    expect(exact.data[0]?.id).toBe(a.ids['4.7']);
  });

  it('keeps to the token’s organisation', async () => {
    const token = await tokenOf(b);
    const body = (await api('/api/v1/search?q=broadband&archived=true', token)).json<ApiPage>();
    const bIds = new Set(Object.values(b.ids).concat(b.strategyId, b.areaId, b.updateId));
    expect(body.data.length).toBe(6);
    expect(body.data.every((d) => bIds.has(d.id))).toBe(true);
  });

  it('explains what is wrong with q, type or limit as problem+json', async () => {
    const token = await tokenOf(a);
    for (const [url, field] of [
      ['/api/v1/search', 'query.q'],
      ['/api/v1/search?q=', 'query.q'],
      [`/api/v1/search?q=${'x'.repeat(201)}`, 'query.q'],
      ['/api/v1/search?q=a&type=thing', 'query.type'],
      ['/api/v1/search?q=a&limit=500', 'query.limit'],
    ] as const) {
      const res = await api(url, token);
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const problem = res.json<{ errors: { field: string; message: string }[] }>();
      expect(
        problem.errors.map((e) => e.field),
        url,
      ).toContain(field);
    }
    const odd = await api(`/api/v1/search?q=${encodeURIComponent('"&:*(-')}`, token);
    expect(odd.statusCode).toBe(200);
  });

  it('needs a token', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/search?q=broadband' });
    expect(res.statusCode).toBe(401);
  });

  it('is in the OpenAPI document, with its markers explained', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    const doc = res.json<{ paths: Record<string, { get?: { tags?: string[] } }> }>();
    const op = doc.paths['/api/v1/search']?.get;
    expect(op?.tags).toEqual(['Search']);
    expect(JSON.stringify(op)).toContain('Matched words are wrapped in [[ and ]]');
    const docs = await t.app.inject({ method: 'GET', url: '/api/docs' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('/api/v1/search');
  });
});
