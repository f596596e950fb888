/** The report template page: the order of a report's sections, their headings and standard words. */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { tenantContext } from '../../kernel/auth/plugin.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import type { FieldError } from '../../kernel/http/errors.js';
import {
  isNarrativeKey,
  loadTemplate,
  parseTemplateForm,
  saveTemplate,
  SECTION_PURPOSE,
  templateFormValues,
  type TemplateSection,
} from './template.service.js';

export const templateRoutes: FastifyPluginAsync = async (app) => {
  const { db } = app.deps.database;
  const manage = { access: 'governance.manage' } as const;

  const form = (
    reply: FastifyReply,
    template: TemplateSection[],
    values: Record<string, unknown>,
    errors?: FieldError[],
  ) =>
    reply.page(
      'governance/views/reports/template.njk',
      {
        title: 'Report template',
        sections: template.map((s, i) => ({
          key: s.key,
          number: i + 1,
          heading: s.heading,
          purpose: SECTION_PURPOSE[s.key],
          narrative: isNarrativeKey(s.key),
        })),
        count: template.length,
        values,
        ...(errors ? { errors } : {}),
      },
      errors ? 400 : undefined,
    );

  app.get('/settings/report-template', { config: manage }, async (request, reply) => {
    const ctx = tenantContext(request);
    const template = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
      loadTemplate(trx, ctx.tenantId),
    );
    return form(reply, template, templateFormValues(template));
  });

  app.post('/settings/report-template', { config: manage }, async (request, reply) => {
    const ctx = tenantContext(request);
    const template = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
      loadTemplate(trx, ctx.tenantId),
    );
    const parsed = parseTemplateForm(request.body, template);
    if (!parsed.ok) return form(reply, template, parsed.values, parsed.errors);
    const { changed } = await saveTemplate(db, ctx, parsed.data);
    return reply
      .flash(changed ? 'Report template saved' : 'No changes to save')
      .redirect('/settings/report-template', 303);
  });
};
