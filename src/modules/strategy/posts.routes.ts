/**
 * Posts and bodies own actions ("ICT BS Mgr", "BoD"); people hold posts over time. These pages
 * list them with who holds each today, create and change them, and hand a post to someone from a
 * date, keeping the history of holders.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { can } from '../../kernel/auth/permissions.js';
import { tenantContext } from '../../kernel/auth/plugin.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import type { FieldError } from '../../kernel/http/errors.js';
import { optionalDate, optionalText } from '../../kernel/http/fields.js';
import { parseInput } from '../../kernel/http/validation.js';
import { loadStatusLabels } from './display.js';
import {
  actionsLedBy,
  assignHolder,
  createPost,
  findPost,
  listPosts,
  organisationMembers,
  postHolderHistory,
  postInput,
  updatePost,
} from './posts.service.js';
import { todayInLondon } from './status.js';
import type { Post } from './strategy.tables.js';
import { attempt, dateFieldErrors, formatDate, withDates } from './strategy.view-model.js';

const VIEWS = 'strategy/views/posts';

type Body = Record<string, unknown>;

function bodyOf(request: FastifyRequest): Body {
  return typeof request.body === 'object' && request.body !== null ? (request.body as Body) : {};
}

function postId(request: FastifyRequest): string {
  return (request.params as { id?: string }).id ?? '';
}

const KIND_ITEMS = [
  {
    value: 'post',
    text: 'A post',
    hint: { text: 'A job held by one person at a time, like ICT BS Mgr' },
  },
  {
    value: 'body',
    text: 'A body',
    hint: { text: 'A group, board or committee, like BoD, Cabinet or SMT' },
  },
];

/**
 * A member of the organisation, or the name of someone who does not sign in: exactly one. (Two
 * plain fields rather than radios with revealed fields, which screen readers announce badly.)
 */
const holderForm = z
  .object({
    userId: optionalText('member', 40),
    personName: optionalText('their name', 200),
    fromDate: optionalDate('the date they started').refine((d) => d !== undefined, {
      message: 'Enter the date they started in the post',
    }),
  })
  .superRefine((v, ctx) => {
    if (!v.userId && !v.personName)
      ctx.addIssue({
        code: 'custom',
        path: ['userId'],
        message: 'Select a member of the organisation, or enter the name of someone else',
      });
    if (v.userId && v.personName)
      ctx.addIssue({
        code: 'custom',
        path: ['personName'],
        message: 'Select a member or enter a name, not both',
      });
  });

export const postsRoutes: FastifyPluginAsync = async (app) => {
  const { db } = app.deps.database;
  const read = { access: 'org.read' } as const;
  const manage = { access: 'strategy.manage' } as const;

  app.get('/posts', { config: read }, async (request, reply) => {
    const ctx = tenantContext(request);
    const posts = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
      listPosts(trx, ctx.tenantId, todayInLondon()),
    );
    return reply.page(`${VIEWS}/list.njk`, {
      title: 'Posts and bodies',
      posts,
      canManage: can(ctx.role, 'strategy.manage'),
    });
  });

  const postForm = (
    reply: FastifyReply,
    post: Post | null,
    data: { values: Body; errors?: FieldError[] },
    status?: number,
  ) =>
    reply.page(
      `${VIEWS}/form.njk`,
      {
        title: post ? `Change ${post.short_name}` : 'Add a post or body',
        post,
        action: post ? `/posts/${post.id}/edit` : '/posts/new',
        submitText: post ? 'Save changes' : 'Add',
        kindItems: KIND_ITEMS.map((k) => ({ ...k, checked: data.values.kind === k.value })),
        ...data,
      },
      status,
    );

  app.get('/posts/new', { config: manage }, async (_request, reply) =>
    postForm(reply, null, { values: { kind: 'post' } }),
  );

  app.post('/posts/new', { config: manage }, async (request, reply) => {
    const ctx = tenantContext(request);
    const parsed = parseInput(postInput, request.body);
    if (!parsed.ok)
      return postForm(reply, null, { values: bodyOf(request), errors: parsed.errors }, 400);
    const done = await attempt(() => createPost(db, ctx, parsed.data));
    if (!done.ok) return postForm(reply, null, { values: bodyOf(request), ...done }, done.status);
    const post = done.value;
    return reply.flash(`${post.short_name} added`).redirect(`/posts/${post.id}`, 303);
  });

  app.get('/posts/:id', { config: read }, async (request, reply) => {
    const ctx = tenantContext(request);
    const data = await withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
      const post = await findPost(trx, ctx.tenantId, postId(request));
      return {
        post,
        holders: await postHolderHistory(trx, ctx.tenantId, post.id),
        actions: await actionsLedBy(trx, ctx.tenantId, post.id),
        labels: await loadStatusLabels(trx, ctx.tenantId),
      };
    });
    const today = todayInLondon();
    const current = data.holders.find(
      (h) => h.from_date <= today && (!h.to_date || h.to_date >= today),
    );
    return reply.page(`${VIEWS}/show.njk`, {
      title: data.post.short_name,
      ...data,
      current: current ?? null,
      canManage: can(ctx.role, 'strategy.manage'),
    });
  });

  app.get('/posts/:id/edit', { config: manage }, async (request, reply) => {
    const ctx = tenantContext(request);
    const post = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
      findPost(trx, ctx.tenantId, postId(request)),
    );
    return postForm(reply, post, {
      values: { shortName: post.short_name, title: post.title, kind: post.kind },
    });
  });

  app.post('/posts/:id/edit', { config: manage }, async (request, reply) => {
    const ctx = tenantContext(request);
    const post = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
      findPost(trx, ctx.tenantId, postId(request)),
    );
    const parsed = parseInput(postInput, request.body);
    if (!parsed.ok)
      return postForm(reply, post, { values: bodyOf(request), errors: parsed.errors }, 400);
    const done = await attempt(() => updatePost(db, ctx, post.id, parsed.data));
    if (!done.ok) return postForm(reply, post, { values: bodyOf(request), ...done }, done.status);
    return reply.flash(`${parsed.data.shortName} saved`).redirect(`/posts/${post.id}`, 303);
  });

  const holderPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    data: { values: Body; errors?: FieldError[] },
    status?: number,
  ) => {
    const ctx = tenantContext(request);
    const { post, members, holders } = await withTenant(
      db,
      ctx.tenantId,
      ctx.actor.userId,
      async (trx) => {
        const post = await findPost(trx, ctx.tenantId, postId(request));
        return {
          post,
          members: await organisationMembers(trx, ctx.tenantId),
          holders: await postHolderHistory(trx, ctx.tenantId, post.id),
        };
      },
    );
    const latest = holders[0];
    return reply.page(
      `${VIEWS}/holder.njk`,
      {
        title: `Who holds ${post.short_name}?`,
        post,
        latest: latest ? { name: latest.name, from: formatDate(latest.from_date) } : null,
        memberItems: [
          { value: '', text: 'Choose a member' },
          ...members.map((m) => ({
            value: m.id,
            text: `${m.display_name} (${m.email})`,
            selected: data.values.userId === m.id,
          })),
        ],
        values: data.values,
        ...(data.errors ? { errors: dateFieldErrors(data.errors, ['fromDate']) } : {}),
      },
      status,
    );
  };

  app.get('/posts/:id/holder', { config: manage }, async (request, reply) =>
    holderPage(request, reply, { values: {} }),
  );

  app.post('/posts/:id/holder', { config: manage }, async (request, reply) => {
    const ctx = tenantContext(request);
    const body = bodyOf(request);
    const parsed = parseInput(holderForm, withDates(body, ['fromDate']));
    if (!parsed.ok) return holderPage(request, reply, { values: body, errors: parsed.errors }, 400);
    const form = parsed.data;
    const done = await attempt(() =>
      assignHolder(db, ctx, postId(request), {
        userId: form.userId ?? null,
        personName: form.userId ? null : (form.personName ?? null),
        fromDate: form.fromDate ?? '',
      }),
    );
    if (!done.ok) return holderPage(request, reply, { values: body, ...done }, done.status);
    return reply.flash('Holder recorded').redirect(`/posts/${postId(request)}`, 303);
  });
};
