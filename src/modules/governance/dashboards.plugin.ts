/**
 * A strategy's dashboard: status now and at each past report, by theme and by lead, overdue and
 * stale actions, and the next meeting with what is due to it. Charts are SVG with data tables.
 */
import type { FastifyPluginAsync } from 'fastify';
import { tenantContext } from '../../kernel/auth/plugin.js';
import { isUuid } from '../../kernel/db/ids.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { NotFoundError } from '../../kernel/http/errors.js';
import { todayInLondon } from '../strategy/index.js';
import {
  dashboardActions,
  findDashboardStrategy,
  meetingAgenda,
  nextMeeting,
  trendPoints,
} from './dashboard.queries.js';
import { dashboardView, dueByMeeting, statusWordsFrom } from './dashboard.view-model.js';

const REPORT_STATUS_WORDS: Record<string, string> = {
  draft: 'Draft',
  submitted: 'Submitted for sign-off',
  approved: 'Approved',
  published: 'Published',
  superseded: 'Superseded',
  withdrawn: 'Withdrawn',
};

export const dashboardsPlugin: FastifyPluginAsync = async (app) => {
  const { db } = app.deps.database;

  app.get(
    '/strategies/:id/dashboard',
    { config: { access: 'org.read' } },
    async (request, reply) => {
      const ctx = tenantContext(request);
      const id = (request.params as { id: string }).id;
      if (!isUuid(id)) throw new NotFoundError('There is no such strategy.');
      const today = todayInLondon();
      const data = await withTenant(db, ctx.tenantId, ctx.actor.userId, async (trx) => {
        const strategy = await findDashboardStrategy(trx, ctx.tenantId, id);
        if (!strategy) throw new NotFoundError('There is no such strategy.');
        // One after another: the embedded database has a single connection.
        const actions = await dashboardActions(trx, ctx.tenantId, strategy.id);
        const trend = await trendPoints(trx, ctx.tenantId, strategy.lineage_id);
        const meeting = await nextMeeting(trx, ctx.tenantId, strategy.lineage_id, today);
        const settings = await trx
          .selectFrom('strategy_settings')
          .select('status_labels')
          .where('tenant_id', '=', ctx.tenantId)
          .executeTakeFirst();
        const agenda = meeting ? await meetingAgenda(trx, ctx.tenantId, meeting.id) : [];
        return {
          strategy,
          actions,
          trend,
          meeting,
          agenda,
          words: statusWordsFrom(settings?.status_labels),
        };
      });
      const view = dashboardView({
        actions: data.actions,
        trend: data.trend,
        words: data.words,
        today,
      });
      return reply.page('governance/views/dashboards/show.njk', {
        title: `Dashboard: ${data.strategy.title}`,
        strategy: data.strategy,
        today,
        view,
        meeting: data.meeting
          ? {
              ...data.meeting,
              agenda: data.agenda.map((i) => ({
                ...i,
                reportStatus: i.report_status
                  ? (REPORT_STATUS_WORDS[i.report_status] ?? i.report_status)
                  : null,
              })),
              due: dueByMeeting(data.actions, data.words, today, data.meeting.meets_on),
            }
          : null,
      });
    },
  );
};
