/**
 * Glossary pages, for the whole organisation (/glossary) and for one strategy
 * (/strategies/:id/glossary): the table of codes and what they stand for, and adding, changing
 * and removing a term. The two sets of pages are the same, set up once for each scope.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../kernel/auth/permissions.js';
import { tenantContext } from '../../kernel/auth/plugin.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import type { FieldError } from '../../kernel/http/errors.js';
import { parseInput } from '../../kernel/http/validation.js';
import {
  createTerm,
  findTerm,
  glossaryTermInput,
  listTerms,
  removeTerm,
  updateTerm,
} from './glossary.service.js';
import { findStrategy } from './strategy.service.js';
import type { GlossaryTermRow, Strategy } from './strategy.tables.js';
import { attempt } from './strategy.view-model.js';

const VIEWS = 'strategy/views/glossary';

type Body = Record<string, unknown>;

interface Scope {
  /** The strategy whose glossary this is, or null for the organisation's. */
  strategy: Strategy | null;
  /** Where this glossary's pages live. */
  base: string;
  breadcrumbs: { text: string; href: string }[];
}

function bodyOf(request: FastifyRequest): Body {
  return typeof request.body === 'object' && request.body !== null ? (request.body as Body) : {};
}

function param(request: FastifyRequest, name: string): string {
  return (request.params as Record<string, string | undefined>)[name] ?? '';
}

export const glossaryRoutes: FastifyPluginAsync = async (app) => {
  const { db } = app.deps.database;
  const read = { access: 'org.read' } as const;
  const manage = { access: 'strategy.manage' } as const;

  async function scopeOf(request: FastifyRequest, perStrategy: boolean): Promise<Scope> {
    const top = { text: 'Strategies', href: '/strategies' };
    if (!perStrategy) return { strategy: null, base: '/glossary', breadcrumbs: [top] };
    const ctx = tenantContext(request);
    const strategy = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
      findStrategy(trx, ctx.tenantId, param(request, 'id')),
    );
    const base = `/strategies/${strategy.id}/glossary`;
    return {
      strategy,
      base,
      breadcrumbs: [top, { text: strategy.title, href: `/strategies/${strategy.id}` }],
    };
  }

  async function termOf(request: FastifyRequest, scope: Scope): Promise<GlossaryTermRow> {
    const ctx = tenantContext(request);
    return withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
      findTerm(trx, ctx.tenantId, scope.strategy?.id ?? null, param(request, 'termId')),
    );
  }

  function termForm(
    reply: FastifyReply,
    scope: Scope,
    term: GlossaryTermRow | null,
    data: { values: Body; errors?: FieldError[] },
    status?: number,
  ) {
    return reply.page(
      `${VIEWS}/form.njk`,
      {
        title: term ? `Change ${term.code}` : 'Add a term',
        scope,
        action: term ? `${scope.base}/${term.id}/edit` : `${scope.base}/new`,
        submitText: term ? 'Save term' : 'Add term',
        ...data,
      },
      status,
    );
  }

  for (const perStrategy of [false, true]) {
    const prefix = perStrategy ? '/strategies/:id/glossary' : '/glossary';

    app.get(prefix, { config: read }, async (request, reply) => {
      const ctx = tenantContext(request);
      const scope = await scopeOf(request, perStrategy);
      const { terms, organisationTerms } = await withTenant(
        db,
        ctx.tenantId,
        ctx.actor.userId,
        async (trx) => ({
          terms: await listTerms(trx, ctx.tenantId, scope.strategy?.id ?? null),
          organisationTerms: scope.strategy ? await listTerms(trx, ctx.tenantId, null) : [],
        }),
      );
      return reply.page(`${VIEWS}/list.njk`, {
        title: scope.strategy ? `Glossary for ${scope.strategy.title}` : 'Glossary',
        scope,
        terms,
        organisationTerms,
        canManage: can(ctx.role, 'strategy.manage'),
      });
    });

    app.get(`${prefix}/new`, { config: manage }, async (request, reply) =>
      termForm(reply, await scopeOf(request, perStrategy), null, { values: {} }),
    );

    app.post(`${prefix}/new`, { config: manage }, async (request, reply) => {
      const ctx = tenantContext(request);
      const scope = await scopeOf(request, perStrategy);
      const parsed = parseInput(glossaryTermInput, request.body);
      if (!parsed.ok)
        return termForm(
          reply,
          scope,
          null,
          { values: bodyOf(request), errors: parsed.errors },
          400,
        );
      const done = await attempt(() =>
        createTerm(db, ctx, scope.strategy?.id ?? null, parsed.data),
      );
      if (!done.ok)
        return termForm(reply, scope, null, { values: bodyOf(request), ...done }, done.status);
      return reply.flash(`${done.value.code} added to the glossary`).redirect(scope.base, 303);
    });

    app.get(`${prefix}/:termId/edit`, { config: manage }, async (request, reply) => {
      const scope = await scopeOf(request, perStrategy);
      const term = await termOf(request, scope);
      return termForm(reply, scope, term, {
        values: { code: term.code, expansion: term.expansion },
      });
    });

    app.post(`${prefix}/:termId/edit`, { config: manage }, async (request, reply) => {
      const ctx = tenantContext(request);
      const scope = await scopeOf(request, perStrategy);
      const term = await termOf(request, scope);
      const parsed = parseInput(glossaryTermInput, request.body);
      if (!parsed.ok)
        return termForm(
          reply,
          scope,
          term,
          { values: bodyOf(request), errors: parsed.errors },
          400,
        );
      const done = await attempt(() =>
        updateTerm(db, ctx, scope.strategy?.id ?? null, term.id, parsed.data),
      );
      if (!done.ok)
        return termForm(reply, scope, term, { values: bodyOf(request), ...done }, done.status);
      return reply.flash(`${parsed.data.code} saved`).redirect(scope.base, 303);
    });

    app.get(`${prefix}/:termId/remove`, { config: manage }, async (request, reply) => {
      const scope = await scopeOf(request, perStrategy);
      const term = await termOf(request, scope);
      return reply.page(`${VIEWS}/remove.njk`, {
        title: `Remove ${term.code} from the glossary?`,
        scope,
        term,
      });
    });

    app.post(`${prefix}/:termId/remove`, { config: manage }, async (request, reply) => {
      const ctx = tenantContext(request);
      const scope = await scopeOf(request, perStrategy);
      const term = await removeTerm(db, ctx, scope.strategy?.id ?? null, param(request, 'termId'));
      return reply.flash(`${term.code} removed from the glossary`).redirect(scope.base, 303);
    });
  }
};
