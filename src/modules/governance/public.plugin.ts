/**
 * Public pages: an organisation that chooses to publish shows its approved strategies and the
 * report versions it marked public, without sign-in, with an Atom feed of new reports. The slug is
 * resolved outside any tenant (a system lookup of published organisations only); everything after
 * that reads inside the organisation's tenant transaction. Anything not published is "Page not
 * found", exactly like an address that never existed.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Feed } from 'feed';
import { tenantContext } from '../../kernel/auth/plugin.js';
import { withTenant, type Tx } from '../../kernel/db/tenancy.js';
import { NotFoundError } from '../../kernel/http/errors.js';
import { statusWordsFrom } from './dashboard.view-model.js';
import {
  approvedStrategies,
  approvedStrategy,
  newerPublicVersion,
  publicVersion,
  publicVersions,
  publishingOrganisation,
  strategyAreas,
  strategyPlan,
  type PublicOrganisation,
} from './public.queries.js';
import { publicPagesSetting, setPublishPublicly } from './public.service.js';
import {
  fileSlug,
  renderReportDocx,
  renderReportHtml,
  renderReportPdf,
  ukDate,
} from './render/index.js';

const VIEWS = 'governance/views/public';
const NOT_FOUND = 'There is nothing at this address.';

type Params = Record<string, string | undefined>;

function param(request: FastifyRequest, name: string): string {
  return (request.params as Params)[name] ?? '';
}

function baseUrl(request: FastifyRequest): string {
  const configured = request.server.deps.config.PUBLIC_URL;
  return (configured ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '');
}

export const publicPlugin: FastifyPluginAsync = async (app) => {
  const { db } = app.deps.database;
  const open = { access: 'public' } as const;

  async function organisationOf(request: FastifyRequest): Promise<PublicOrganisation> {
    const org = await publishingOrganisation(db, param(request, 'slug'));
    if (!org) throw new NotFoundError(NOT_FOUND);
    return org;
  }

  const inTenant = <T>(org: PublicOrganisation, fn: (trx: Tx) => Promise<T>) =>
    withTenant(db, org.id, null, fn);

  app.get('/public/:slug', { config: open }, async (request, reply) => {
    const org = await organisationOf(request);
    const { strategies, versions } = await inTenant(org, async (trx) => ({
      strategies: await approvedStrategies(trx, org.id),
      versions: await publicVersions(trx, org.id),
    }));
    return reply.page(`${VIEWS}/organisation.njk`, {
      title: `${org.name}: strategies and progress reports`,
      org,
      strategies,
      versions,
    });
  });

  app.get('/public/:slug/strategies/:id', { config: open }, async (request, reply) => {
    const org = await organisationOf(request);
    const data = await inTenant(org, async (trx) => {
      const strategy = await approvedStrategy(trx, org.id, param(request, 'id'));
      if (!strategy) return null;
      const areas = await strategyAreas(trx, org.id, strategy.id);
      const actions = await strategyPlan(trx, org.id, strategy.id);
      const settings = await trx
        .selectFrom('strategy_settings')
        .select('status_labels')
        .where('tenant_id', '=', org.id)
        .executeTakeFirst();
      return { strategy, areas, actions, words: statusWordsFrom(settings?.status_labels) };
    });
    if (!data) throw new NotFoundError(NOT_FOUND);
    const { strategy, areas, actions, words } = data;
    const row = (a: (typeof actions)[number]) => ({
      ...a,
      statusWord: words[a.status].label,
      forecastWord:
        a.forecast_status && a.forecast_status !== a.status ? words[a.forecast_status].label : null,
    });
    const groups = areas
      .map((area) => ({
        heading: area.number ? `${area.number}. ${area.title}` : area.title,
        id: area.id,
        rows: actions.filter((a) => a.area_id === area.id).map(row),
      }))
      .filter((g) => g.rows.length);
    const loose = actions.filter((a) => !a.area_id || !areas.some((ar) => ar.id === a.area_id));
    if (loose.length) groups.push({ heading: 'Other actions', id: 'other', rows: loose.map(row) });
    return reply.page(`${VIEWS}/strategy.njk`, {
      title: `${strategy.title} – ${org.name}`,
      org,
      strategy,
      areas: areas.map((a) => ({
        ...a,
        heading: a.number ? `${a.number}. ${a.title}` : a.title,
        sections: [
          { title: 'Where we want to be', text: a.vision },
          { title: 'Where we are now', text: a.current_position },
          { title: 'How we will get there', text: a.getting_there },
        ].filter((s) => s.text?.trim()),
      })),
      groups,
    });
  });

  async function versionOf(request: FastifyRequest) {
    const org = await organisationOf(request);
    const found = await inTenant(org, async (trx) => {
      const version = await publicVersion(trx, org.id, param(request, 'id'));
      if (!version) return null;
      const newer = await newerPublicVersion(trx, org.id, version.report_id, version.version);
      return { version, newer };
    });
    if (!found) throw new NotFoundError(NOT_FOUND);
    return { org, ...found };
  }

  app.get('/public/:slug/reports/:id', { config: open }, async (request, reply) => {
    const { org, version, newer } = await versionOf(request);
    return reply.page(`${VIEWS}/report.njk`, {
      title: `${version.title} – ${org.name}`,
      org,
      version,
      newer: newer ?? null,
      body: renderReportHtml(version.snapshot),
    });
  });

  const download = async (request: FastifyRequest, reply: FastifyReply, format: 'docx' | 'pdf') => {
    const { version } = await versionOf(request);
    const body =
      format === 'docx'
        ? await renderReportDocx(version.snapshot)
        : await renderReportPdf(version.snapshot);
    const name = `${fileSlug(version.title)}-${version.snapshot.asAt}-v${version.version}.${format}`;
    return reply
      .type(
        format === 'docx'
          ? 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
          : 'application/pdf',
      )
      .header('content-disposition', `attachment; filename="${name}"`)
      .send(body);
  };
  app.get('/public/:slug/reports/:id/report.docx', { config: open }, (request, reply) =>
    download(request, reply, 'docx'),
  );
  app.get('/public/:slug/reports/:id/report.pdf', { config: open }, (request, reply) =>
    download(request, reply, 'pdf'),
  );

  app.get('/public/:slug/reports.atom', { config: open }, async (request, reply) => {
    const org = await organisationOf(request);
    const versions = await inTenant(org, (trx) => publicVersions(trx, org.id, 50));
    const base = `${baseUrl(request)}/public/${org.slug}`;
    const feed = new Feed({
      id: `${base}/reports.atom`,
      title: `${org.name}: progress reports`,
      description: `Progress reports on ${org.name}'s strategies, as published.`,
      link: base,
      language: 'en-GB',
      updated: versions[0]?.published_at ?? new Date(0),
      generator: 'Waymark',
      feedLinks: { atom: `${base}/reports.atom` },
      author: { name: org.name, link: base },
      copyright: org.name,
    });
    for (const v of versions) {
      feed.addItem({
        id: `${base}/reports/${v.id}`,
        title: `${v.title} (as at ${ukDate(v.as_at)})${v.version > 1 ? `, version ${v.version}` : ''}`,
        link: `${base}/reports/${v.id}`,
        date: v.published_at,
        published: v.published_at,
        description:
          `${v.strategy_title}: progress as at ${ukDate(v.as_at)}.` +
          (v.change_note ? ` What changed: ${v.change_note}` : ''),
        author: [{ name: org.name }],
      });
    }
    return reply.type('application/atom+xml; charset=utf-8').send(feed.atom1());
  });

  // -------------------------------------------------------------------------------------------
  // The administrator's switch

  const settingsPage = async (request: FastifyRequest, reply: FastifyReply) => {
    const ctx = tenantContext(request);
    const setting = await publicPagesSetting(db, ctx);
    return reply.page(`${VIEWS}/settings.njk`, {
      title: 'Public pages',
      publish: setting.publish_publicly,
      address: `${baseUrl(request)}/public/${setting.slug}`,
      path: `/public/${setting.slug}`,
    });
  };
  app.get('/settings/public-pages', { config: { access: 'settings.manage' } }, settingsPage);

  app.post(
    '/settings/public-pages',
    { config: { access: 'settings.manage' } },
    async (request, reply) => {
      const ctx = tenantContext(request);
      const body = (request.body ?? {}) as Record<string, unknown>;
      // A checkbox: present when ticked, absent otherwise (the hidden field keeps the form non-empty).
      const publish = [body.publish].flat().includes('yes');
      const { changed } = await setPublishPublicly(db, ctx, publish);
      return reply
        .flash(
          changed
            ? publish
              ? 'Public pages turned on'
              : 'Public pages turned off'
            : 'No changes to save',
        )
        .redirect('/settings/public-pages', 303);
    },
  );
};
