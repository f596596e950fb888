/** Helpers for the board, meeting and decision component tests. */
import type { TestApp } from '../../../test/helpers/app.js';
import type { TenantContext } from '../../kernel/auth/plugin.js';
import { withTenant, type Tx } from '../../kernel/db/tenancy.js';
import { createStrategyInTx, strategyInput } from '../strategy/index.js';
import { boardInput, meetingInput, agendaItemInput } from './board.schemas.js';
import { createBoard } from './board.service.js';
import { addAgendaItem, createMeeting } from './meeting.service.js';

export async function strategyFor(t: TestApp, ctx: TenantContext, title = 'ICT Strategy 2025') {
  return withTenant(t.database.db, ctx.tenantId, ctx.actor.userId, (trx) =>
    createStrategyInTx(
      trx,
      ctx,
      strategyInput.parse({
        title,
        status: 'approved',
        approvedBy: 'Cabinet',
        approvedOn: '2025-03-18',
      }),
    ),
  );
}

export async function boardFor(t: TestApp, ctx: TenantContext, name = 'Business Strategy Group') {
  return createBoard(
    t.database.db,
    ctx,
    boardInput.parse({
      name: `${name} ${Math.random().toString(36).slice(2, 7)}`,
      kind: 'business_strategy_group',
    }),
  );
}

export async function meetingFor(
  t: TestApp,
  ctx: TenantContext,
  boardId: string,
  meetsOn = '2099-07-14',
  startsAt?: string,
) {
  return createMeeting(t.database.db, ctx, boardId, meetingInput.parse({ meetsOn, startsAt }));
}

export async function itemFor(
  t: TestApp,
  ctx: TenantContext,
  meetingId: string,
  fields: { title?: string; kind?: string; strategyId?: string } = {},
) {
  return addAgendaItem(
    t.database.db,
    ctx,
    meetingId,
    agendaItemInput.parse({ title: 'Progress report', kind: 'report', ...fields }),
  );
}

export function rows<T>(t: TestApp, tenantId: string, fn: (trx: Tx) => Promise<T>) {
  return withTenant(t.database.db, tenantId, null, fn);
}
