/**
 * The demo council's governance: a Business Strategy Group and a Scrutiny Commission, both
 * overseeing the demo strategy, with members (named councillors among them), their most recent
 * meetings with the decisions taken, and the next Business Strategy Group meeting.
 */
import type { Kysely } from 'kysely';
import type { TenantContext } from '../../kernel/auth/plugin.js';
import type { DB } from '../../kernel/db/schema.js';
import { withTenant, type Tx } from '../../kernel/db/tenancy.js';
import {
  addAgendaItemInTx,
  addMemberInTx,
  agendaItemInput,
  boardInput,
  createBoardInTx,
  createMeetingInTx,
  decisionInput,
  meetingInput,
  recordDecisionInTx,
  setBoardStrategiesInTx,
} from '../governance/index.js';
import type { DemoPeople } from './demo-strategy.js';

export const DEMO_BOARDS = {
  bsg: 'Business Strategy Group',
  scrutiny: 'Resources Scrutiny Commission',
};

/** Planned dates: the group meets three weeks after each quarter; the commission twice a year. */
const BSG_DATES = [
  '2025-07-22',
  '2025-10-21',
  '2026-01-20',
  '2026-04-21',
  '2026-07-21',
  '2026-10-20',
  '2027-01-19',
  '2027-04-20',
  '2027-07-20',
];
const SCRUTINY_DATES = ['2025-11-12', '2026-05-13', '2026-11-11', '2027-05-12', '2027-11-10'];

const MINUTES = 'https://democracy.castlemere.example/meetings/';

function ukQuarter(date: string): string {
  const month = Number(date.slice(5, 7));
  const year = Number(date.slice(0, 4));
  // The meeting looks back at the quarter that has just ended (financial quarters from April).
  const q = month <= 3 ? 3 : month <= 6 ? 4 : month <= 9 ? 1 : 2;
  const fy = month <= 6 ? year - 1 : year;
  return `quarter ${q} ${fy}/${String(fy + 1).slice(2)}`;
}

async function pastMeeting(
  trx: Tx,
  ctx: TenantContext,
  recorder: TenantContext,
  boardId: string,
  meetsOn: string,
  startsAt: string,
  location: string,
  items: {
    title: string;
    kind: 'report' | 'paper' | 'other';
    strategyId?: string;
    outcome: 'noted' | 'approved' | 'approved_with_changes';
    note: string;
  }[],
) {
  const meeting = await createMeetingInTx(
    trx,
    ctx,
    boardId,
    meetingInput.parse({ meetsOn, startsAt, location, minutesUrl: `${MINUTES}${meetsOn}` }),
    'held',
  );
  for (const item of items) {
    const row = await addAgendaItemInTx(
      trx,
      ctx,
      meeting.id,
      agendaItemInput.parse({ title: item.title, kind: item.kind, strategyId: item.strategyId }),
    );
    await recordDecisionInTx(
      trx,
      recorder,
      meeting.id,
      row.id,
      decisionInput.parse({ outcome: item.outcome, note: item.note }),
      new Date(`${meetsOn}T17:00:00Z`),
    );
  }
  return meeting;
}

/** Adds the boards and meetings once; `today` (YYYY-MM-DD) splits past from upcoming. */
export async function loadDemoGovernance(
  db: Kysely<DB>,
  organisationId: string,
  people: DemoPeople,
  strategyId: string,
  today: string,
): Promise<void> {
  await withTenant(db, organisationId, people.editor, async (trx) => {
    const existing = await trx
      .selectFrom('boards')
      .select('id')
      .where('tenant_id', '=', organisationId)
      .where('name', '=', DEMO_BOARDS.bsg)
      .executeTakeFirst();
    if (existing) return;
    const strategy = await trx
      .selectFrom('strategies')
      .select(['id', 'lineage_id'])
      .where('tenant_id', '=', organisationId)
      .where('id', '=', strategyId)
      .executeTakeFirstOrThrow();
    const as = (key: keyof DemoPeople, label: string): TenantContext => ({
      tenantId: organisationId,
      actor: { userId: people[key], label },
      role: 'admin',
    });
    const office = as('editor', 'Tom Wilkins (Programme Office)');

    const scrutiny = await createBoardInTx(
      trx,
      office,
      boardInput.parse({
        name: DEMO_BOARDS.scrutiny,
        kind: 'scrutiny',
        purpose:
          'Scrutinises the council’s resources, including ICT, on behalf of all councillors.\n\nReceives a progress report on the Digital and ICT Strategy every six months and may make recommendations to Cabinet.',
        reportingCycle: 'six_monthly',
        updateLeadDays: 21,
      }),
    );
    const bsg = await createBoardInTx(
      trx,
      office,
      boardInput.parse({
        name: DEMO_BOARDS.bsg,
        kind: 'business_strategy_group',
        purpose:
          'Oversees delivery of the Digital and ICT Strategy, agrees priorities and business cases, and reports quarterly to the Corporate Management Team and each half-year to the Resources Scrutiny Commission.',
        reportingCycle: 'quarterly',
        reportsToBoardId: scrutiny.id,
      }),
    );
    for (const board of [scrutiny, bsg]) {
      await setBoardStrategiesInTx(trx, office, board.id, [strategy.lineage_id]);
    }
    const members: [string, { userId?: string; personName?: string; memberRole: string }][] = [
      [scrutiny.id, { userId: people.board, memberRole: 'Chair' }],
      [scrutiny.id, { personName: 'Cllr Helen Price', memberRole: 'Vice-chair' }],
      [scrutiny.id, { personName: 'Cllr Mark Oduya', memberRole: 'Member' }],
      [scrutiny.id, { personName: 'Cllr Siân Roberts', memberRole: 'Member' }],
      [bsg.id, { userId: people.admin, memberRole: 'Chair' }],
      [bsg.id, { userId: people.editor, memberRole: 'Secretary' }],
      [bsg.id, { userId: people.contributor, memberRole: 'Member' }],
      [bsg.id, { personName: 'Anita Rao (Director of Resources)', memberRole: 'Sponsor' }],
      [
        bsg.id,
        { personName: 'Cllr Owen Hughes (Cabinet Member for Resources)', memberRole: 'Observer' },
      ],
    ];
    for (const [boardId, member] of members) {
      await addMemberInTx(trx, office, boardId, {
        userId: member.userId,
        personName: member.personName,
        memberRole: member.memberRole,
      });
    }

    const lastBsg = BSG_DATES.filter((d) => d < today).at(-1);
    const lastScrutiny = SCRUTINY_DATES.filter((d) => d < today).at(-1);
    const nextBsg = BSG_DATES.find((d) => d >= today);
    if (lastScrutiny) {
      await pastMeeting(
        trx,
        office,
        as('board', 'Cllr Dafydd Evans (Scrutiny Commission)'),
        scrutiny.id,
        lastScrutiny,
        '18:00',
        'Council Chamber, Castlemere Town Hall',
        [
          {
            title: 'Digital and ICT Strategy: six-monthly progress report',
            kind: 'report',
            strategyId: strategy.id,
            outcome: 'noted',
            note: 'The Commission noted the report and asked for the network refresh to be covered in detail at its next meeting.',
          },
        ],
      );
    }
    if (lastBsg) {
      await pastMeeting(
        trx,
        office,
        as('admin', 'Priya Shah (Head of ICT)'),
        bsg.id,
        lastBsg,
        '10:00',
        'Meeting Room 3, Civic Centre',
        [
          {
            title: `Strategy progress, ${ukQuarter(lastBsg)}`,
            kind: 'report',
            strategyId: strategy.id,
            outcome: 'noted',
            note: 'The Group noted progress and agreed the exceptions to report to the Corporate Management Team.',
          },
          {
            title: 'Business case: replacing the telephony platform',
            kind: 'paper',
            strategyId: strategy.id,
            outcome: 'approved_with_changes',
            note: 'Approved, subject to the procurement route being confirmed with Legal Services.',
          },
        ],
      );
    }
    if (nextBsg) {
      const meeting = await createMeetingInTx(
        trx,
        office,
        bsg.id,
        meetingInput.parse({
          meetsOn: nextBsg,
          startsAt: '10:00',
          location: 'Meeting Room 3, Civic Centre',
        }),
      );
      await addAgendaItemInTx(
        trx,
        office,
        meeting.id,
        agendaItemInput.parse({ title: 'Minutes and actions of the last meeting', kind: 'other' }),
      );
    }
  });
}
