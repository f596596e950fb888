/**
 * A made-up but realistic report snapshot for tests and the benchmark: a district council's ICT
 * strategy reported to its scrutiny commission. Deterministic: the same call gives the same data.
 */
import { DEFAULT_STATUS_LABELS, type Status } from '../../strategy/index.js';
import {
  SNAPSHOT_SCHEMA_VERSION,
  type ReportSnapshot,
  type SnapshotAction,
  type StatusCount,
} from '../report.types.js';

const THEMES = [
  'Customer access and digital services',
  'Infrastructure and resilience',
  'Information management and security',
  'Business systems and applications',
  'People, skills and ways of working',
  'Governance, partnerships and value for money',
];

const TITLES = [
  'Launch the online account for council tax and benefits',
  'Move the contact centre telephony to a cloud platform',
  'Replace the core network switches at the civic offices',
  'Commission a second data centre for disaster recovery',
  'Complete the Public Services Network compliance submission',
  'Publish an information asset register for every service',
  'Roll out multi-factor authentication to all staff',
  'Procure a replacement revenues and benefits system',
  'Retire the legacy planning application database',
  'Introduce a corporate electronic document management system',
  'Deliver mobile devices for social care staff working in the field',
  'Set up an ICT career pathway with the HR service',
  'Agree service level targets with each directorate',
  'Join the county-wide shared GIS partnership',
  'Renew the Microsoft enterprise agreement',
  'Test the business continuity plan for ICT twice a year',
  'Run a cyber security awareness campaign',
  'Consolidate printers into managed multi-function devices',
  'Build an open data portal for performance information',
  'Review the ICT governance arrangements and steering group terms of reference',
];

const OWNERS = [
  'Head of ICT',
  'ICT Infrastructure Manager',
  'Information Governance Manager',
  'Business Applications Manager',
  'Customer Services Manager',
  'Head of Organisational Development',
  'Enterprise Architect',
  null,
];

const STATUS_CYCLE: Status[] = [
  'on_track',
  'on_track',
  'complete',
  'at_risk',
  'on_track',
  'not_started',
  'off_track',
  'complete',
  'on_track',
  'deferred',
];

const RAG = {
  not_started: 'grey',
  on_track: 'green',
  at_risk: 'amber',
  off_track: 'red',
  complete: 'blue',
  deferred: 'grey',
  cancelled: 'grey',
  superseded: 'grey',
} as const;

function label(status: Status): string {
  return DEFAULT_STATUS_LABELS[status].label;
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function makeAction(i: number, asAt: string): SnapshotAction {
  const theme = THEMES[i % THEMES.length] ?? null;
  const status = STATUS_CYCLE[i % STATUS_CYCLE.length] ?? 'on_track';
  const forecast: Status | null =
    status === 'at_risk'
      ? i % 2
        ? 'on_track'
        : 'off_track'
      : status === 'off_track'
        ? 'at_risk'
        : null;
  const due = i % 7 === 6 ? null : addDays(asAt, ((i * 37) % 400) - 150);
  const closed = status === 'complete';
  const overdue = !!due && !closed && due < asAt;
  const themeNo = (i % THEMES.length) + 1;
  const ref = `${themeNo}.${Math.floor(i / THEMES.length) + 1}`;
  const base = TITLES[i % TITLES.length] ?? 'Action';
  const kind = i % 5 === 0 ? 'additional' : i % 5 === 1 ? 'amount' : i % 5 === 2 ? 'current' : null;
  return {
    id: `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`,
    ref,
    title: i < TITLES.length ? base : `${base} (phase ${Math.floor(i / TITLES.length) + 1})`,
    theme,
    owner: OWNERS[i % OWNERS.length] ?? null,
    status,
    statusLabel: label(status),
    forecastStatus: forecast,
    forecastLabel: forecast ? label(forecast) : null,
    due,
    timescaleText: due ? `By ${due.slice(0, 7)}` : 'Ongoing',
    latest:
      i % 6 === 5
        ? null
        : {
            happened:
              status === 'complete'
                ? 'Work finished and handed over to business as usual; the service signed off the acceptance tests.'
                : status === 'off_track'
                  ? 'The supplier has missed two milestones & the <b>contract</b> manager has escalated this to the "Head of ICT".'
                  : 'Procurement documents drafted and shared with the steering group for comment.',
            nextSteps:
              status === 'complete'
                ? null
                : 'Agree the revised plan with the supplier at the next project board.',
            on: addDays(asAt, -((i * 11) % 80)),
            by: OWNERS[(i + 1) % OWNERS.length] ?? 'Programme office',
          },
    resourcesText:
      kind === 'additional'
        ? 'Additional funding needed for implementation partner days'
        : kind === 'current'
          ? 'Within existing budgets'
          : kind === 'amount'
            ? 'Capital programme'
            : null,
    resourcesPence: kind === 'amount' || kind === 'additional' ? (i + 1) * 250_000 : null,
    resourcesKind: kind,
    overdue,
  };
}

function countsOf(actions: SnapshotAction[]): StatusCount[] {
  const order: Status[] = [
    'not_started',
    'on_track',
    'at_risk',
    'off_track',
    'complete',
    'deferred',
    'cancelled',
    'superseded',
  ];
  return order.map((status) => ({
    status,
    label: label(status),
    rag: RAG[status],
    current: actions.filter((a) => a.status === status).length,
    forecast: actions.filter((a) => (a.forecastStatus ?? a.status) === status).length,
  }));
}

/** A report snapshot with `count` actions (40 by default) in six themes. */
export function sampleSnapshot(count = 40): ReportSnapshot {
  const asAt = '2026-09-30';
  const periodStart = '2026-06-30';
  const actions = Array.from({ length: count }, (_v, i) => makeAction(i, asAt));
  const byTheme = THEMES.map((theme) => {
    const inTheme = actions.filter((a) => a.theme === theme);
    return { theme, counts: countsOf(inTheme), total: inTheme.length };
  });
  const completed = actions.filter(
    (a) => a.status === 'complete' && a.latest && a.latest.on >= periodStart,
  );
  const exceptions = actions.filter(
    (a) => a.status === 'off_track' || a.status === 'at_risk' || a.overdue,
  );
  const milestones = actions.filter(
    (a) => a.due && a.due > asAt && a.due <= '2026-12-31' && a.status !== 'complete',
  );
  const moves = actions
    .filter((_a, i) => i % 9 === 3)
    .map((action): ReportSnapshot['changes']['statusMoves'][number] => ({
      action,
      from: 'on_track',
      fromLabel: label('on_track'),
      to: action.status,
      toLabel: action.statusLabel,
    }));
  const withAmounts = actions.filter((a) => a.resourcesPence !== null);
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    organisation: {
      id: '00000000-0000-7000-8000-00000000a001',
      name: 'Northfield District Council',
    },
    strategy: {
      id: '00000000-0000-7000-8000-00000000b001',
      title: 'ICT Strategy 2025–2028',
      periodLabel: '2025–2028',
    },
    board: {
      id: '00000000-0000-7000-8000-00000000c001',
      name: 'Scrutiny Commission',
      kind: 'scrutiny',
    },
    meeting: { id: '00000000-0000-7000-8000-00000000d001', meetsOn: '2026-10-21' },
    title: 'ICT Strategy implementation: progress report',
    asAt,
    periodStart,
    previousReport: {
      id: '00000000-0000-7000-8000-00000000e001',
      title: 'ICT Strategy implementation: progress report',
      asAt: periodStart,
    },
    sections: [
      { key: 'purpose', heading: 'Purpose of the report' },
      { key: 'background', heading: 'Background' },
      { key: 'previousDecisions', heading: 'Policy framework and previous decisions' },
      { key: 'progressSummary', heading: 'Progress summary' },
      { key: 'completed', heading: 'Completed since the last report' },
      { key: 'exceptions', heading: 'Exceptions' },
      { key: 'changes', heading: 'Changes since the last report' },
      { key: 'milestones', heading: 'Upcoming milestones' },
      { key: 'resources', heading: 'Resource implications' },
      { key: 'recommendation', heading: 'Recommendation' },
      { key: 'financial', heading: 'Financial implications' },
      { key: 'legal', heading: 'Legal implications' },
      { key: 'equalities', heading: 'Equality and human rights implications' },
      { key: 'risk', heading: 'Risk implications' },
      { key: 'contacts', heading: 'Officers to contact' },
    ],
    narrative: {
      purpose:
        'This report updates the Commission on progress in delivering the ICT Strategy 2025–2028 in the quarter to 30 September 2026.',
      background:
        'Cabinet approved the ICT Strategy in March 2025. It sets out six themes, each with an action plan owned by a named lead officer.\n\nThe ICT Steering Group reviews progress monthly and reports to this Commission each quarter. The key issues this quarter are:\n- the revenues and benefits procurement, which is behind plan\n- the move of contact centre telephony, which completed on time\n- the <script>alert("x")</script> data centre work & its funding',
      recommendation: 'The Scrutiny Commission is asked to NOTE this report.',
      financial:
        'The costs of delivering the strategy will be met from the ICT revenue budget and the capital programme.',
      legal: 'There are no legal implications arising directly from this report.',
      equalities:
        'Delivering the strategy will help the council to offer better services to all residents, including those who need assisted digital support.',
      risk: 'The risks to delivery are recorded in the ICT risk register and reviewed by the Steering Group.',
      contacts:
        'Sam Patel, Head of ICT – 01234 567800\n\nJo Evans, Programme Office Manager – 01234 567811',
    },
    previousDecisions: [
      {
        meetsOn: '2025-03-18',
        board: 'Cabinet',
        item: 'ICT Strategy 2025–2028',
        outcome: 'Approved',
        note: 'Approved with quarterly progress reports to the Scrutiny Commission.',
      },
      {
        meetsOn: '2026-07-15',
        board: 'Scrutiny Commission',
        item: 'ICT Strategy implementation: progress report',
        outcome: 'Noted',
        note: null,
      },
    ],
    progressSummary: {
      total: actions.length,
      byStatus: countsOf(actions),
      byTheme,
    },
    completed,
    exceptions,
    changes: {
      added: actions.slice(-2),
      statusMoves: moves,
      redated: actions
        .filter((a, i) => i % 11 === 4 && a.due)
        .map((action) => ({
          action,
          fromDue: addDays(action.due ?? asAt, -60),
          toDue: action.due,
        })),
      dropped: [
        {
          action: {
            ...makeAction(count + 1, asAt),
            status: 'cancelled',
            statusLabel: label('cancelled'),
          },
          reason: 'Superseded by the county-wide shared service agreement.',
        },
      ],
    },
    milestones,
    resources: {
      totalPence: withAmounts.reduce((sum, a) => sum + (a.resourcesPence ?? 0), 0),
      needingAdditional: actions.filter((a) => a.resourcesKind === 'additional'),
      withAmounts,
    },
    actions,
    approval: {
      submittedBy: 'Jo Evans',
      submittedAt: '2026-10-01T09:30:00.000Z',
      approvedBy: 'Sam Patel',
      approvedAt: '2026-10-03T14:00:00.000Z',
    },
    published: {
      version: 1,
      at: '2026-10-05T10:00:00.000Z',
      supersedes: null,
    },
  };
}

/** The benchmark's snapshot: `count` actions, otherwise as the sample. */
export function bigSnapshot(count = 500): ReportSnapshot {
  return sampleSnapshot(count);
}
