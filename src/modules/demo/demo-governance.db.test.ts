import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { governanceHistory } from '../governance/index.js';
import { DEMO_BOARDS } from './demo-governance.js';
import { loadDemo } from './demo.service.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 120_000);
afterAll(async () => t.close(), 60_000);

describe('the demo council’s governance', () => {
  it('has two boards overseeing the strategy, two past meetings with decisions and one to come', async () => {
    const { organisationId } = await loadDemo(t.database.db, { today: '2026-11-22' });
    const found = await withTenant(t.database.db, organisationId, null, async (trx) => {
      const boards = await trx.selectFrom('boards').selectAll().orderBy('name').execute();
      const members = await trx.selectFrom('board_members').selectAll().execute();
      const meetings = await trx.selectFrom('meetings').selectAll().orderBy('meets_on').execute();
      const decisions = await trx.selectFrom('decisions').selectAll().execute();
      const strategy = await trx.selectFrom('strategies').select('id').executeTakeFirstOrThrow();
      return {
        boards,
        members,
        meetings,
        decisions,
        history: await governanceHistory(trx, organisationId, strategy.id),
      };
    });
    expect(found.boards.map((b) => b.name)).toEqual([DEMO_BOARDS.bsg, DEMO_BOARDS.scrutiny]);
    expect(found.members.filter((m) => m.person_name?.startsWith('Cllr'))).not.toHaveLength(0);
    expect(found.meetings.map((m) => [m.meets_on, m.status])).toEqual([
      ['2026-10-20', 'held'],
      ['2026-11-11', 'held'],
      ['2027-01-19', 'planned'],
    ]);
    expect(found.decisions).toHaveLength(3);
    expect(found.history.boards).toHaveLength(2);
    expect(found.history.items.flatMap((i) => i.decisions)).toHaveLength(3);
    expect(found.history.approvals[0]).toMatchObject({
      approvedBy: 'Cabinet',
      approvedOn: '2025-03-18',
    });
  }, 300_000);
});
