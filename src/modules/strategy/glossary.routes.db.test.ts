import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { createAction } from './action.service.js';
import { createTerm } from './glossary.service.js';
import { actionInput, strategyInput } from './strategy.schemas.js';
import { createStrategy } from './strategy.service.js';
import { auditOf, errorSummary, makeOrg, type Org } from './strategy-pages.test-support.js';

let t: TestApp;
let org: Org;
let other: Org;
beforeAll(async () => {
  t = await createTestApp();
  org = await makeOrg(t);
  other = await makeOrg(t);
}, 60_000);
afterAll(async () => t.close());

async function strategyOf(o: Org, title = 'ICT Strategy') {
  return createStrategy(t.database.db, await o.ctx('editor'), strategyInput.parse({ title }));
}

async function termsOf(tenantId: string) {
  return withTenant(t.database.db, tenantId, null, (trx) =>
    trx.selectFrom('glossary_terms').selectAll().orderBy('code').execute(),
  );
}

describe('the organisation’s glossary', () => {
  it('adds, changes and removes terms, each audited; codes are shown as abbr', async () => {
    const agent = await org.as('editor');
    const list = await agent.get('/glossary');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('There are no terms in this glossary yet.');

    expect((await agent.get('/glossary/new')).statusCode).toBe(200);
    const empty = await agent.post('/glossary/new', { code: '', expansion: '' });
    expect(empty.statusCode).toBe(400);
    expect(errorSummary(empty.body)).toEqual([
      'code: Enter the code, like CR or BoD',
      'expansion: Enter what the code stands for',
    ]);

    const added = await agent.post('/glossary/new', {
      code: 'CR',
      expansion: 'Met within current resources',
    });
    expect(added.statusCode).toBe(303);
    expect(added.headers.location).toBe('/glossary');
    const [cr] = await termsOf(org.id);
    expect(cr).toMatchObject({
      code: 'CR',
      expansion: 'Met within current resources',
      strategy_id: null,
    });
    expect((await auditOf(t, org.id, cr!.id)).map((e) => e.action)).toEqual([
      'glossary.term_created',
    ]);

    const clash = await agent.post('/glossary/new', { code: 'CR', expansion: 'Something else' });
    expect(clash.statusCode).toBe(409);
    expect(errorSummary(clash.body)).toEqual([
      'code: CR is already in the glossary: change that term instead',
    ]);

    const page = await (await org.as('viewer')).get('/glossary');
    expect(page.body).toContain('<abbr title="Met within current resources">CR</abbr>');
    expect(page.body).not.toContain(`/glossary/${cr!.id}/edit`);
    const editorPage = await agent.get('/glossary');
    expect(editorPage.body).toContain(
      `href="/glossary/${cr!.id}/edit">Change<span class="govuk-visually-hidden"> CR</span>`,
    );

    const form = await agent.get(`/glossary/${cr!.id}/edit`);
    expect(form.body).toContain('value="Met within current resources"');
    const changed = await agent.post(`/glossary/${cr!.id}/edit`, {
      code: 'CR',
      expansion: 'Can be met within current resources',
    });
    expect(changed.statusCode).toBe(303);
    expect((await auditOf(t, org.id, cr!.id)).at(-1)).toMatchObject({
      action: 'glossary.term_updated',
      before: { expansion: 'Met within current resources' },
      after: { expansion: 'Can be met within current resources' },
    });

    const confirm = await agent.get(`/glossary/${cr!.id}/remove`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('Remove CR from the glossary?');
    const removed = await agent.post(`/glossary/${cr!.id}/remove`);
    expect(removed.statusCode).toBe(303);
    expect(await termsOf(org.id)).toEqual([]);
    expect((await auditOf(t, org.id, cr!.id)).at(-1)).toMatchObject({
      action: 'glossary.term_removed',
      before: { code: 'CR', expansion: 'Can be met within current resources' },
    });
  });

  it('refuses readers on every managing page, and lets them read', async () => {
    const term = await createTerm(t.database.db, await org.ctx('editor'), null, {
      code: 'AR',
      expansion: 'Additional resources required',
    });
    for (const role of ['viewer', 'board', 'contributor'] as const) {
      const agent = await org.as(role);
      expect((await agent.get('/glossary')).statusCode).toBe(200);
      for (const url of [
        '/glossary/new',
        `/glossary/${term.id}/edit`,
        `/glossary/${term.id}/remove`,
      ]) {
        expect((await agent.get(url)).statusCode, `${role} ${url}`).toBe(403);
        expect(
          (await agent.post(url, { code: 'X', expansion: 'Y' })).statusCode,
          `${role} ${url}`,
        ).toBe(403);
      }
    }
    expect((await termsOf(org.id)).map((x) => x.code)).toContain('AR');
  });
});

describe('a strategy’s glossary', () => {
  it('keeps its own terms, shows the organisation’s too, and its meaning wins on the strategy page', async () => {
    const ctx = await org.ctx('editor');
    const s = await strategyOf(org);
    await createTerm(t.database.db, ctx, null, { code: 'MM', expansion: 'Maintenance Manager' });
    const agent = await org.as('editor');
    const added = await agent.post(`/strategies/${s.id}/glossary/new`, {
      code: 'MM',
      expansion: 'Mike Morris',
    });
    expect(added.statusCode).toBe(303);
    expect(added.headers.location).toBe(`/strategies/${s.id}/glossary`);
    const own = (await termsOf(org.id)).find((x) => x.strategy_id === s.id);
    expect(own).toMatchObject({ code: 'MM', expansion: 'Mike Morris' });

    const page = await (await org.as('viewer')).get(`/strategies/${s.id}/glossary`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Terms for this strategy (1)');
    expect(page.body).toContain('<abbr title="Mike Morris">MM</abbr>');
    expect(page.body).toContain('Terms for the whole organisation');
    expect(page.body).toContain('<abbr title="Maintenance Manager">MM</abbr>');

    await createAction(
      t.database.db,
      ctx,
      s.id,
      actionInput.parse({ ref: '1', title: 'Review', lead: 'MM' }),
    );
    const strategyPage = await agent.get(`/strategies/${s.id}`);
    expect(strategyPage.body).toContain('<abbr title="Mike Morris">MM</abbr>');
    expect(strategyPage.body).not.toContain('<abbr title="Maintenance Manager">MM</abbr>');

    // A term is reached only through its own glossary.
    const elsewhere = await strategyOf(org, 'Another strategy');
    const orgTerm = (await termsOf(org.id)).find((x) => x.strategy_id === null && x.code === 'MM')!;
    expect(
      (await agent.get(`/strategies/${elsewhere.id}/glossary/${own!.id}/edit`)).statusCode,
    ).toBe(404);
    expect((await agent.get(`/strategies/${s.id}/glossary/${orgTerm.id}/edit`)).statusCode).toBe(
      404,
    );
    expect((await agent.get(`/glossary/${own!.id}/edit`)).statusCode).toBe(404);
    expect((await agent.post(`/glossary/${own!.id}/remove`)).statusCode).toBe(404);

    const removed = await agent.post(`/strategies/${s.id}/glossary/${own!.id}/remove`);
    expect(removed.statusCode).toBe(303);
    expect((await auditOf(t, org.id, own!.id)).map((e) => e.action)).toEqual([
      'glossary.term_created',
      'glossary.term_removed',
    ]);
  });

  it('finds nothing in another organisation', async () => {
    const theirs = await strategyOf(other);
    const theirTerm = await createTerm(t.database.db, await other.ctx('editor'), null, {
      code: 'BoD',
      expansion: 'Board of Directors',
    });
    const agent = await org.as('editor');
    expect((await agent.get(`/strategies/${theirs.id}/glossary`)).statusCode).toBe(404);
    expect(
      (await agent.post(`/strategies/${theirs.id}/glossary/new`, { code: 'X', expansion: 'Y' }))
        .statusCode,
    ).toBe(404);
    expect((await agent.get(`/glossary/${theirTerm.id}/edit`)).statusCode).toBe(404);
    expect((await agent.post(`/glossary/${theirTerm.id}/remove`)).statusCode).toBe(404);
    expect((await termsOf(other.id)).map((x) => x.code)).toEqual(['BoD']);
    expect((await agent.get('/glossary')).body).not.toContain('Board of Directors');
  });
});
