/** The governance history page of a strategy: approvals, meeting items, decisions and reports. */
import type { FastifyPluginAsync } from 'fastify';
import { tenantContext } from '../../kernel/auth/plugin.js';
import { param } from './board.routes.js';
import {
  ITEM_KIND_LABELS,
  MEETING_STATUS_TAGS,
  meetingWhen,
  REPORT_STATUS_LABELS,
  ukDate,
} from './board.view-model.js';
import { loadGovernanceHistory } from './governance-history.service.js';

export const governanceHistoryRoutes: FastifyPluginAsync = async (app) => {
  const { db } = app.deps.database;

  app.get(
    '/strategies/:id/governance',
    { config: { access: 'org.read' } },
    async (request, reply) => {
      const ctx = tenantContext(request);
      const h = await loadGovernanceHistory(db, ctx, param(request));
      return reply.page('governance/views/boards/governance-history.njk', {
        title: `Governance history: ${h.strategy.title}`,
        strategy: h.strategy,
        approvals: h.approvals.map((a) => ({
          ...a,
          approvedOnText: a.approvedOn ? ukDate(a.approvedOn) : null,
        })),
        boards: h.boards,
        items: h.items.map((i) => ({
          ...i,
          when: meetingWhen({ meets_on: i.meeting.meetsOn, starts_at: i.meeting.startsAt }),
          status: MEETING_STATUS_TAGS[i.meeting.status],
          kindLabel: ITEM_KIND_LABELS[i.item.kind],
        })),
        reports: h.reports.map((r) => ({
          ...r,
          statusLabel: REPORT_STATUS_LABELS[r.status],
          asAtText: ukDate(r.asAt),
        })),
      });
    },
  );
};
