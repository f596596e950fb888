import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { createAction } from './action.service.js';
import { createPost, postsHeldBy } from './posts.service.js';
import { actionInput, strategyInput } from './strategy.schemas.js';
import { createStrategy } from './strategy.service.js';
import {
  auditOf,
  errorSummary,
  locationId,
  makeOrg,
  type Org,
} from './strategy-pages.test-support.js';

let t: TestApp;
let org: Org;
let other: Org;
beforeAll(async () => {
  t = await createTestApp();
  org = await makeOrg(t);
  other = await makeOrg(t);
}, 60_000);
afterAll(async () => t.close());

let n = 0;
async function postOf(o: Org, kind: 'post' | 'body' = 'post') {
  n++;
  return createPost(t.database.db, await o.ctx('editor'), {
    shortName: `ICT BS Mgr ${n}`,
    title: `ICT Business Systems Manager ${n}`,
    kind,
  });
}

async function holders(postId: string) {
  return withTenant(t.database.db, org.id, null, (trx) =>
    trx
      .selectFrom('post_holders')
      .select(['user_id', 'person_name', 'from_date', 'to_date'])
      .where('post_id', '=', postId)
      .orderBy('from_date')
      .execute(),
  );
}

describe('posts and bodies', () => {
  it('lists them with who holds each now; only editors see the add button', async () => {
    const post = await postOf(org);
    const body = await postOf(org, 'body');
    const theirs = await postOf(other);
    const editor = await org.as('editor');
    await editor.post(`/posts/${post.id}/holder`, {
      personName: 'Mike Morris',
      'fromDate-day': '1',
      'fromDate-month': '4',
      'fromDate-year': '2007',
    });
    const res = await (await org.as('viewer')).get('/posts');
    expect(res.statusCode).toBe(200);
    const row = res.body.slice(res.body.indexOf(`/posts/${post.id}`));
    expect(row).toMatch(/^\/posts\/[^"]+">ICT BS Mgr \d+<\/a>/);
    expect(row).toContain(
      'Mike Morris<br><span class="govuk-body-s">since <time datetime="2007-04-01">1 April 2007</time>',
    );
    expect(res.body.slice(res.body.indexOf(`/posts/${body.id}`))).toMatch(/Body<\/td>/);
    expect(res.body).not.toContain(theirs.id);
    expect(res.body).not.toContain('href="/posts/new"');
    expect((await editor.get('/posts')).body).toContain('href="/posts/new"');
  });

  it('refuses readers on every managing page', async () => {
    const post = await postOf(org);
    for (const role of ['viewer', 'board', 'contributor'] as const) {
      const agent = await org.as(role);
      for (const url of ['/posts/new', `/posts/${post.id}/edit`, `/posts/${post.id}/holder`]) {
        expect((await agent.get(url)).statusCode, `${role} ${url}`).toBe(403);
        expect((await agent.post(url, { shortName: 'x' })).statusCode, `${role} ${url}`).toBe(403);
      }
    }
  });

  it('adds a post, with plain messages for what is missing or already taken, audited', async () => {
    const agent = await org.as('editor');
    expect((await agent.get('/posts/new')).statusCode).toBe(200);
    const empty = await agent.post('/posts/new', {});
    expect(empty.statusCode).toBe(400);
    expect(errorSummary(empty.body)).toEqual([
      'shortName: Enter the short name, like ICT BS Mgr',
      'title: Enter the full title',
      'kind: Select whether this is a post or a body',
    ]);

    const res = await agent.post('/posts/new', {
      shortName: 'Deputy HoICT',
      title: 'Deputy Head of ICT Services',
      kind: 'post',
    });
    expect(res.statusCode).toBe(303);
    const id = locationId(res, '/posts');
    const row = await withTenant(t.database.db, org.id, null, (trx) =>
      trx.selectFrom('posts').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
    );
    expect(row).toMatchObject({
      short_name: 'Deputy HoICT',
      title: 'Deputy Head of ICT Services',
      kind: 'post',
    });
    expect((await auditOf(t, org.id, id)).map((e) => e.action)).toEqual(['post.created']);

    const clash = await agent.post('/posts/new', {
      shortName: 'deputy hoict',
      title: 'Again',
      kind: 'post',
    });
    expect(clash.statusCode).toBe(409);
    expect(errorSummary(clash.body)).toEqual([
      'shortName: There is already a post or body called deputy hoict: choose another short name',
    ]);
  });

  it('changes a post, audited; another organisation’s post is not found', async () => {
    const post = await postOf(org);
    const theirs = await postOf(other);
    const agent = await org.as('admin');
    const form = await agent.get(`/posts/${post.id}/edit`);
    expect(form.body).toContain(`value="${post.short_name}"`);
    expect(form.body).toMatch(/value="post" checked/);
    const res = await agent.post(`/posts/${post.id}/edit`, {
      shortName: 'ICT Infra Mgr',
      title: 'ICT Infrastructure Manager',
      kind: 'post',
    });
    expect(res.statusCode).toBe(303);
    expect((await auditOf(t, org.id, post.id)).at(-1)).toMatchObject({
      action: 'post.updated',
      before: { short_name: post.short_name },
      after: { short_name: 'ICT Infra Mgr' },
    });
    for (const url of [
      `/posts/${theirs.id}`,
      `/posts/${theirs.id}/edit`,
      `/posts/${theirs.id}/holder`,
      '/posts/nope',
    ]) {
      expect((await agent.get(url)).statusCode, url).toBe(404);
    }
    expect(
      (await agent.post(`/posts/${theirs.id}/edit`, { shortName: 'x', title: 'y', kind: 'post' }))
        .statusCode,
    ).toBe(404);
  });
});

describe('who holds a post', () => {
  it('hands a post to a member, then to a named person; the history is kept and My actions follows', async () => {
    const post = await postOf(org);
    const contributor = await org.userId('contributor');
    const outsider = await other.userId('viewer');
    const agent = await org.as('editor');

    const form = await agent.get(`/posts/${post.id}/holder`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(`value="${contributor}"`);
    expect(form.body).not.toContain(`value="${outsider}"`);

    const missing = await agent.post(`/posts/${post.id}/holder`, {});
    expect(missing.statusCode).toBe(400);
    expect(errorSummary(missing.body)).toEqual([
      'fromDate-day: Enter the date they started in the post',
      'userId: Select a member of the organisation, or enter the name of someone else',
    ]);
    const noMember = await agent.post(`/posts/${post.id}/holder`, {
      userId: '',
      'fromDate-day': '31',
      'fromDate-month': '2',
      'fromDate-year': '2026',
    });
    expect(errorSummary(noMember.body)).toEqual([
      'fromDate-day: The date they started must be a real date',
      'userId: Select a member of the organisation, or enter the name of someone else',
    ]);
    const noOne = await agent.post(`/posts/${post.id}/holder`, {
      userId: '',
      'fromDate-day': '1',
      'fromDate-month': '1',
      'fromDate-year': '2026',
    });
    expect(errorSummary(noOne.body)).toEqual([
      'userId: Select a member of the organisation, or enter the name of someone else',
    ]);
    const both = await agent.post(`/posts/${post.id}/holder`, {
      userId: contributor,
      personName: 'Sam Patel',
      'fromDate-day': '1',
      'fromDate-month': '1',
      'fromDate-year': '2026',
    });
    expect(errorSummary(both.body)).toEqual([
      'personName: Select a member or enter a name, not both',
    ]);
    const stranger = await agent.post(`/posts/${post.id}/holder`, {
      userId: outsider,
      'fromDate-day': '1',
      'fromDate-month': '1',
      'fromDate-year': '2026',
    });
    expect(stranger.statusCode).toBe(400);
    expect(errorSummary(stranger.body)).toEqual(['userId: Select a member of your organisation']);

    const first = await agent.post(`/posts/${post.id}/holder`, {
      userId: contributor,
      'fromDate-day': '1',
      'fromDate-month': '1',
      'fromDate-year': '2026',
    });
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe(`/posts/${post.id}`);
    const held = () =>
      withTenant(t.database.db, org.id, null, (trx) =>
        postsHeldBy(trx, org.id, contributor, '2026-06-01'),
      );
    expect(await held()).toContain(post.id);

    const early = await agent.post(`/posts/${post.id}/holder`, {
      personName: 'Sam Patel',
      'fromDate-day': '1',
      'fromDate-month': '1',
      'fromDate-year': '2026',
    });
    expect(early.statusCode).toBe(400);
    expect(errorSummary(early.body)).toEqual([
      'fromDate-day: The date must be after 1 January 2026, when the current holder started',
    ]);

    const second = await agent.post(`/posts/${post.id}/holder`, {
      personName: 'Sam Patel',
      'fromDate-day': '1',
      'fromDate-month': '5',
      'fromDate-year': '2026',
    });
    expect(second.statusCode).toBe(303);
    expect(await holders(post.id)).toEqual([
      { user_id: contributor, person_name: null, from_date: '2026-01-01', to_date: '2026-04-30' },
      { user_id: null, person_name: 'Sam Patel', from_date: '2026-05-01', to_date: null },
    ]);
    expect(await held()).not.toContain(post.id);
    const audit = (await auditOf(t, org.id, post.id)).filter(
      (e) => e.action === 'post.holder_assigned',
    );
    expect(audit).toHaveLength(2);
    expect(audit[1]!.after).toMatchObject({ person_name: 'Sam Patel', from_date: '2026-05-01' });

    const page = await (await org.as('viewer')).get(`/posts/${post.id}`);
    expect(page.statusCode).toBe(200);
    const history = page.body.slice(page.body.indexOf('Who has held it'));
    expect(history.indexOf('Sam Patel')).toBeLessThan(history.indexOf('Test contributor'));
    expect(history).toContain('<time datetime="2026-04-30">30 April 2026</time>');
  });

  it('shows the actions a post leads, linking to each action', async () => {
    const ctx = await org.ctx('editor');
    const s = await createStrategy(t.database.db, ctx, strategyInput.parse({ title: 'Plan' }));
    const action = await createAction(
      t.database.db,
      ctx,
      s.id,
      actionInput.parse({
        ref: '6.2',
        title: 'Test the disaster recovery plan',
        lead: 'ICT Infrastructure Mgr',
      }),
    );
    const page = await (await org.as('viewer')).get(`/posts/${action.lead_post_id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`href="/actions/${action.id}">Test the disaster recovery plan</a>`);
    expect(page.body).toContain(`href="/strategies/${s.id}"`);
  });
});
