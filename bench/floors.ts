/**
 * The database floor: the data each measured page or endpoint needs, asked of the database
 * straight through Kysely inside withTenant (as the routes do), with no HTTP, no validation and
 * no rendering. Run in the server's own process, on its own connection pool, in a tight loop at
 * the same concurrency as the HTTP measure, so the ratio shows what the web layer adds.
 */
import type { Kysely } from 'kysely';
import { recordAudit } from '../src/kernel/audit/audit.js';
import type { DB } from '../src/kernel/db/schema.js';
import { withTenant } from '../src/kernel/db/tenancy.js';
import {
  dashboardActions,
  findDashboardStrategy,
  meetingAgenda,
  nextMeeting,
  trendPoints,
} from '../src/modules/governance/dashboard.queries.js';
import { newId } from '../src/kernel/db/ids.js';
import { actionListQuery, toActionQuery } from '../src/modules/strategy/action.filters.js';
import { queryActions } from '../src/modules/strategy/action.queries.js';
import { findAction } from '../src/modules/strategy/action.service.js';
import { listUpdates } from '../src/modules/strategy/progress.service.js';
import { search } from '../src/modules/strategy/search.service.js';
import { todayInLondon } from '../src/modules/strategy/status.js';
import type { Fixture } from './dataset.js';
import { percentile, progressText, type FloorName, type LatencyStats } from './protocol.js';

export const SEARCH_WORDS = 'network review';
/** The action plan filter and sort every action-list measure uses. */
export const LIST_FILTER = { priority: 'high', sort: 'due' } as const;
export const FLOOR_MARKER = 'Benchmark floor';

type Operation = () => Promise<unknown>;

function rotating<T>(items: readonly T[]): () => T {
  let i = 0;
  return () => {
    const item = items[i++ % items.length];
    if (item === undefined) throw new Error('Nothing to rotate through');
    return item;
  };
}

/** The operation whose speed is the floor of each measure. */
export function floorOperation(db: Kysely<DB>, fixture: Fixture, floor: FloorName): Operation {
  const { tenantId } = fixture;
  const reader = fixture.reader.userId;
  switch (floor) {
    case 'actionList': {
      const query = toActionQuery(
        actionListQuery.parse(LIST_FILTER),
        { tenantId, strategyId: fixture.strategyId },
        { limit: 50 },
      );
      return () => withTenant(db, tenantId, reader, (trx) => queryActions(trx, query));
    }
    case 'actionPage': {
      const next = rotating(fixture.actionPageIds);
      return () =>
        withTenant(db, tenantId, reader, async (trx) => {
          const action = await findAction(trx, tenantId, next());
          return listUpdates(trx, tenantId, action.lineage_id);
        });
    }
    case 'dashboard': {
      // The dashboard route's queries, one after another as it sends them.
      return () =>
        withTenant(db, tenantId, reader, async (trx) => {
          const strategy = await findDashboardStrategy(trx, tenantId, fixture.strategyId);
          if (!strategy) throw new Error('The dashboard strategy is missing');
          const today = todayInLondon();
          const actions = await dashboardActions(trx, tenantId, strategy.id);
          const trend = await trendPoints(trx, tenantId, strategy.lineage_id);
          const meeting = await nextMeeting(trx, tenantId, strategy.lineage_id, today);
          await trx
            .selectFrom('strategy_settings')
            .select('status_labels')
            .where('tenant_id', '=', tenantId)
            .executeTakeFirst();
          const agenda = meeting ? await meetingAgenda(trx, tenantId, meeting.id) : [];
          return { actions, trend, agenda };
        });
    }
    case 'recordProgress': {
      // The writes every update must make: the update, the action's new position, the audit link.
      const next = rotating(fixture.ownedActionIds);
      const actor = { userId: fixture.owner.userId, label: fixture.owner.label };
      let sequence = 0;
      return () =>
        withTenant(db, tenantId, actor.userId, async (trx) => {
          const action = await findAction(trx, tenantId, next());
          const now = new Date();
          const id = newId();
          await trx
            .insertInto('progress_updates')
            .values({
              tenant_id: tenantId,
              id,
              action_id: action.id,
              action_lineage_id: action.lineage_id,
              status: 'on_track',
              happened: progressText(FLOOR_MARKER, ++sequence),
              as_at: todayInLondon(now),
              recorded_by: actor.userId,
              recorded_by_label: actor.label,
              recorded_at: now,
            })
            .execute();
          await trx
            .updateTable('actions')
            .set({ status: 'on_track', last_update_at: now, updated_at: now })
            .where('tenant_id', '=', tenantId)
            .where('id', '=', action.id)
            .execute();
          await recordAudit(trx, actor, {
            tenantId,
            action: 'progress.recorded',
            entityType: 'action',
            entityId: action.id,
            before: { status: action.status },
            after: { status: 'on_track', update_id: id },
          });
        });
    }
    case 'search': {
      const ctx = {
        tenantId,
        actor: { userId: reader, label: fixture.reader.label },
        role: 'editor' as const,
      };
      return () => search(db, ctx, { q: SEARCH_WORDS });
    }
  }
}

/** Runs `concurrency` loops of the operation for `seconds`; latencies in milliseconds. */
export async function measureLoop(
  operation: Operation,
  concurrency: number,
  seconds: number,
): Promise<LatencyStats> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const deadline = started + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const t = performance.now();
      try {
        await operation();
        latencies.push(performance.now() - t);
      } catch (error) {
        errors++;
        firstError ??= (error as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  latencies.sort((a, b) => a - b);
  return {
    count: latencies.length,
    perSecond: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors,
    firstError,
    cpuPerOp: latencies.length ? (cpu.user + cpu.system) / 1000 / latencies.length : 0,
  };
}
