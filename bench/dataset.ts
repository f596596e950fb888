/**
 * Builds the benchmark's data in memory, deterministically from a seed: organisations with their
 * people, posts, strategies, areas, actions, supporters, dependencies, progress history, audit
 * trail, glossary and settings. The loader (load.ts) writes it with multi-row inserts.
 */
import type { Insertable } from 'kysely';
import { auditValue, GENESIS_HASH, hashEvent } from '../src/kernel/audit/audit.js';
import type { DB, Role } from '../src/kernel/db/schema.js';
import { refSortKey } from '../src/modules/strategy/action.service.js';
import { DEFAULT_PRIORITIES, parsePriority } from '../src/modules/strategy/priority.js';
import { parseResources } from '../src/modules/strategy/resources.js';
import type { Status } from '../src/modules/strategy/strategy.tables.js';
import { parseTimescale } from '../src/modules/strategy/timescale.js';
import { buildGovernance, GOVERNANCE_TABLES, type GovernanceRows } from './governance-data.js';
import { apportion, Random } from './random.js';
import * as W from './words.js';

/** The day the generated history runs up to: fixed, so every run builds the same data. */
export const DATA_AS_AT = '2026-11-01';
const DOCUMENT_DATE = '2025-04-01';
const PERIOD_END = '2028-03-31';
const FIRST_UPDATE = '2025-05-01';

export interface ProfileSize {
  organisations: number;
  /** Actions in each of the organisation's strategies. */
  actionsPerStrategy: readonly number[];
  updatesPerOrganisation: number;
  peoplePerOrganisation: number;
}

export const PROFILES = {
  council: {
    organisations: 1,
    actionsPerStrategy: [250, 150, 100],
    updatesPerOrganisation: 5_000,
    peoplePerOrganisation: 50,
  },
  shared: {
    organisations: 10,
    actionsPerStrategy: [250, 150, 100],
    updatesPerOrganisation: 5_000,
    peoplePerOrganisation: 50,
  },
  /** PostgreSQL only; loaded by national.ts (a few organisations generated here, the rest cloned). */
  national: {
    organisations: 400,
    actionsPerStrategy: [250, 150, 100],
    updatesPerOrganisation: 5_000,
    peoplePerOrganisation: 50,
  },
} as const satisfies Record<string, ProfileSize>;

export type ProfileName = keyof typeof PROFILES;

type Row<T extends keyof DB> = Insertable<DB[T]>;

/** Rows for every table, in the order they must be inserted (foreign keys). */
export interface Dataset extends GovernanceRows {
  organisations: Row<'organisations'>[];
  users: Row<'users'>[];
  memberships: Row<'memberships'>[];
  strategy_settings: Row<'strategy_settings'>[];
  glossary_terms: Row<'glossary_terms'>[];
  posts: Row<'posts'>[];
  post_holders: Row<'post_holders'>[];
  strategies: Row<'strategies'>[];
  strategy_areas: Row<'strategy_areas'>[];
  actions: Row<'actions'>[];
  action_supporters: Row<'action_supporters'>[];
  action_dependencies: Row<'action_dependencies'>[];
  progress_updates: Row<'progress_updates'>[];
  audit_events: Row<'audit_events'>[];
}

export const TABLE_ORDER: readonly (keyof Dataset)[] = [
  'organisations',
  'users',
  'memberships',
  'strategy_settings',
  'glossary_terms',
  'posts',
  'post_holders',
  'strategies',
  'strategy_areas',
  'actions',
  'action_supporters',
  'action_dependencies',
  'progress_updates',
  'audit_events',
  ...GOVERNANCE_TABLES,
];

/** What the benchmark needs to know about the first organisation to drive it. */
export interface Fixture {
  tenantId: string;
  /** The largest strategy: its plan is the one listed and paged. */
  strategyId: string;
  /** A reader (an editor) for pages and search, and the owner who records progress. */
  reader: { userId: string; email: string; label: string };
  owner: { userId: string; email: string; label: string };
  /** Live actions whose lead post the owner holds today. */
  ownedActionIds: string[];
  /** Live actions of the largest strategy that have a history, for the action page. */
  actionPageIds: string[];
}

interface Person {
  id: string;
  email: string;
  name: string;
  role: Role;
}

interface PostInfo {
  id: string;
  short: string;
  kind: 'post' | 'body';
  /** The current holder, if a person who can sign in. */
  holder: Person | null;
  weight: number;
}

interface AuditDraft {
  at: Date;
  actor: Person;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
}

const dayMs = 86_400_000;
const toMs = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function fill(template: string, rng: Random, post: string): string {
  return template.replaceAll('{post}', post).replaceAll('{n}', String(rng.int(2, 40)));
}

/**
 * One organisation of the given size. `index` makes names and addresses unique across the
 * organisations of a profile; the seed makes the content differ between them.
 */
export function organisationName(index: number): { name: string; slug: string } {
  const place = W.COUNCIL_NAMES[index % W.COUNCIL_NAMES.length] ?? 'Benchford';
  const suffix = index >= W.COUNCIL_NAMES.length ? ` ${String(index + 1)}` : '';
  return {
    name: `${place}${suffix} District Council`,
    slug: `bench-${place.toLowerCase().replaceAll(' ', '-')}-${String(index + 1)}`,
  };
}

function buildOrganisation(
  out: Dataset,
  size: ProfileSize,
  index: number,
  seed: string,
  passwordHash: string,
): Fixture {
  const rng = new Random(`${seed}:org:${String(index)}`);
  const created = toMs('2025-03-01');
  const tenantId = rng.uuid(created);
  const { name, slug } = organisationName(index);
  out.organisations.push({ id: tenantId, slug, name, created_at: new Date(created) });

  // People: a few admins and editors, mostly contributors who own actions, some board and viewers.
  const roles: Role[] = [];
  for (let i = 0; i < size.peoplePerOrganisation; i++) {
    roles.push(
      i === 0
        ? 'admin'
        : i === 1
          ? 'editor'
          : i === 2
            ? 'contributor'
            : rng.weighted<Role>([
                ['admin', 1],
                ['editor', 4],
                ['contributor', 25],
                ['board', 4],
                ['viewer', 6],
              ]),
    );
  }
  const people: Person[] = roles.map((role, i) => {
    const first = W.FIRST_NAMES[(i + index) % W.FIRST_NAMES.length] ?? 'Alex';
    const last = rng.pick(W.LAST_NAMES);
    const email = `${first}.${last}.${String(i + 1)}@${slug}.example.gov.uk`.toLowerCase();
    return { id: rng.uuid(created + i), email, name: `${first} ${last}`, role };
  });
  for (const p of people) {
    out.users.push({
      id: p.id,
      email: p.email,
      display_name: p.name,
      password_hash: passwordHash,
      created_at: new Date(created),
    });
    out.memberships.push({
      tenant_id: tenantId,
      user_id: p.id,
      role: p.role,
      created_at: new Date(created),
    });
  }
  const [admin, editor, owner] = people as [Person, Person, Person];
  const holders = people.filter((p) => p.role === 'contributor' || p.role === 'editor');

  out.strategy_settings.push({
    tenant_id: tenantId,
    priorities: JSON.stringify({ levels: DEFAULT_PRIORITIES }),
    status_labels: JSON.stringify({}),
  });
  for (const [code, expansion] of W.GLOSSARY) {
    out.glossary_terms.push({
      tenant_id: tenantId,
      id: rng.uuid(created),
      strategy_id: null,
      code,
      expansion,
    });
  }

  // Posts: the owner holds two of them (so they own a realistic share of the plan); a few posts
  // changed hands during the plan; some are held by officers who never sign in.
  const posts: PostInfo[] = [];
  W.POSTS.forEach(([short, title], i) => {
    const id = rng.uuid(created);
    out.posts.push({ tenant_id: tenantId, id, kind: 'post', short_name: short, title });
    let holder: Person | null;
    if (i === 1 || i === 2) holder = owner;
    else if (i === 0) holder = admin;
    else holder = rng.chance(0.8) ? rng.pick(holders) : null;
    const changedHands = i > 3 && rng.chance(0.15);
    if (changedHands) {
      out.post_holders.push({
        tenant_id: tenantId,
        id: rng.uuid(created),
        post_id: id,
        user_id: null,
        person_name: `${rng.pick(W.FIRST_NAMES)} ${rng.pick(W.LAST_NAMES)}`,
        from_date: DOCUMENT_DATE,
        to_date: '2025-12-31',
      });
    }
    out.post_holders.push({
      tenant_id: tenantId,
      id: rng.uuid(created),
      post_id: id,
      user_id: holder?.id ?? null,
      person_name: holder ? null : `${rng.pick(W.FIRST_NAMES)} ${rng.pick(W.LAST_NAMES)}`,
      from_date: changedHands ? '2026-01-01' : DOCUMENT_DATE,
      to_date: null,
    });
    posts.push({ id, short, kind: 'post', holder, weight: i === 1 || i === 2 ? 3 : rng.int(1, 4) });
  });
  for (const [short, title] of W.BODIES) {
    const id = rng.uuid(created);
    out.posts.push({ tenant_id: tenantId, id, kind: 'body', short_name: short, title });
    posts.push({ id, short, kind: 'body', holder: null, weight: 0 });
  }
  const leads = posts.filter((p) => p.kind === 'post');
  const leadChoices = leads.map((p) => [p, p.weight] as const);

  const audits: AuditDraft[] = [];
  const fixture: Fixture = {
    tenantId,
    strategyId: '',
    reader: { userId: editor.id, email: editor.email, label: label(editor) },
    owner: { userId: owner.id, email: owner.email, label: label(owner) },
    ownedActionIds: [],
    actionPageIds: [],
  };

  // Strategies, areas and actions.
  type Draft = {
    row: Row<'actions'> & { id: string; lineage_id: string };
    lead: PostInfo;
    archived: boolean;
    updates: number;
    strategyIndex: number;
  };
  const drafts: Draft[] = [];
  size.actionsPerStrategy.forEach((count, s) => {
    const shape = W.STRATEGIES[s % W.STRATEGIES.length] ?? W.STRATEGIES[0];
    if (!shape) throw new Error('No strategy shapes');
    const strategyId = rng.uuid(toMs(DOCUMENT_DATE) + s);
    if (s === 0) fixture.strategyId = strategyId;
    out.strategies.push({
      tenant_id: tenantId,
      id: strategyId,
      lineage_id: rng.uuid(toMs(DOCUMENT_DATE)),
      title: shape.title,
      period_label: '2025–2028',
      period_start: DOCUMENT_DATE,
      period_end: PERIOD_END,
      status: shape.status,
      approved_by: shape.status === 'approved' ? 'Cabinet' : null,
      approved_on: shape.status === 'approved' ? '2025-03-18' : null,
      next_review_on: '2027-03-16',
      lead_officer: 'Assistant Director, ICT',
      summary: shape.summary,
      document_date: DOCUMENT_DATE,
      created_at: new Date(toMs(DOCUMENT_DATE)),
      updated_at: new Date(toMs(DOCUMENT_DATE)),
    });
    const areaIds = shape.areas.map((title, a) => {
      const id = rng.uuid(toMs(DOCUMENT_DATE));
      out.strategy_areas.push({
        tenant_id: tenantId,
        id,
        strategy_id: strategyId,
        number: String(a + 1),
        title,
        position: a,
        vision: rng.pick(W.VISION),
        current_position: rng.pick(W.CURRENT_POSITION),
        getting_there: rng.pick(W.GETTING_THERE),
      });
      return id;
    });
    // Actions spread over the areas, numbered within each ("4.10" after "4.9").
    const perArea = apportion(
      rng,
      count,
      areaIds.map(() => 0.5 + rng.next()),
    );
    let position = 0;
    areaIds.forEach((areaId, a) => {
      for (let n = 1; n <= (perArea[a] ?? 0); n++) {
        const ref = `${String(a + 1)}.${String(n)}`;
        const lead = rng.weighted(leadChoices);
        const supporters = rng.sample(
          posts.filter((p) => p.id !== lead.id),
          rng.weighted([
            [0, 5],
            [1, 3],
            [2, 2],
          ]),
        );
        const leadText = supporters.length
          ? `${lead.short} (${supporters.map((p) => p.short).join(', ')})`
          : lead.short;
        const timescaleText = rng.weighted(W.TIMESCALES);
        const timescale = parseTimescale(timescaleText, { documentDate: DOCUMENT_DATE });
        const resourcesText = rng.weighted(W.RESOURCES);
        const resources = parseResources(resourcesText);
        const priorityText = rng.weighted([
          ['H', 45],
          ['M', 40],
          ['L', 15],
        ] as const);
        const tail = rng.pick(W.TAILS);
        const title = `${rng.pick(W.VERBS)} ${rng.pick(W.OBJECTS)}${tail ? ` ${tail}` : ''}`;
        const createdAt = new Date(toMs(DOCUMENT_DATE) + position * 1000);
        const id = rng.uuid(createdAt.getTime());
        const archived = rng.chance(0.02);
        const row: Draft['row'] = {
          tenant_id: tenantId,
          id,
          strategy_id: strategyId,
          lineage_id: rng.uuid(createdAt.getTime()),
          area_id: areaId,
          ref,
          ref_sort: refSortKey(ref),
          title,
          description: rng.chance(0.4) ? rng.pick(W.DESCRIPTIONS) : null,
          priority: parsePriority(priorityText),
          priority_text: priorityText,
          timescale_text: timescaleText,
          start_on: timescale.start,
          due_on: timescale.due,
          start_precision: timescale.startPrecision,
          due_precision: timescale.duePrecision,
          ongoing: timescale.ongoing,
          recurrence: timescale.recurrence,
          timescale_needs_review: timescale.needsReview,
          lead_post_id: lead.id,
          lead_text: leadText,
          resources_kind: resources.kind,
          resources_amount_pence: resources.amountPence,
          resources_period: resources.period,
          resources_text: resources.text || null,
          targets: rng.pick(W.TARGETS),
          outcome: null,
          comments: rng.chance(0.15)
            ? 'Linked to the corporate plan priority for efficiency.'
            : null,
          tags: rng.chance(0.2)
            ? [rng.pick(['cyber', 'efficiency', 'statutory', 'quick win'])]
            : [],
          extra: JSON.stringify({}),
          position: position++,
          created_at: createdAt,
          updated_at: createdAt,
          archived_at: archived ? new Date(toMs('2026-06-01')) : null,
          archive_reason: archived ? 'Overtaken by the shared-service review.' : null,
        };
        drafts.push({ row, lead, archived, updates: 0, strategyIndex: s });
        supporters.forEach((p, i) => {
          out.action_supporters.push({
            tenant_id: tenantId,
            action_id: id,
            position: i,
            post_id: p.id,
            text: p.short,
          });
        });
        audits.push({
          at: createdAt,
          actor: editor,
          action: 'action.created',
          entityType: 'action',
          entityId: id,
          before: null,
          after: { ref, title, strategy_id: strategyId },
        });
      }
    });
  });

  // A few actions depend on an earlier one of the same strategy.
  drafts.forEach((d, i) => {
    const earlier = drafts[i - rng.int(1, 8)];
    if (i > 8 && earlier && earlier.strategyIndex === d.strategyIndex && rng.chance(0.06)) {
      out.action_dependencies.push({
        tenant_id: tenantId,
        action_id: d.row.id,
        depends_on_id: earlier.row.id,
        note: null,
      });
    }
  });

  // Progress: exactly updatesPerOrganisation updates, unevenly (some actions far more than others).
  const counts = apportion(
    rng,
    size.updatesPerOrganisation,
    drafts.map(() => (rng.chance(0.1) ? 0.05 : 0.3 + rng.next() * 1.4)),
  );
  const span = toMs(DATA_AS_AT) - toMs(FIRST_UPDATE);
  const history: { status: Status; forecast: Status | null; asAt: string }[][] = [];
  drafts.forEach((d, i) => {
    const updates: { status: Status; forecast: Status | null; asAt: string }[] = [];
    const k = counts[i] ?? 0;
    d.updates = k;
    let status: Status = rng.weighted<Status>([
      ['on_track', 6],
      ['not_started', 2],
      ['at_risk', 2],
    ]);
    let percent = 0;
    let previousId: string | null = null;
    let previous: { status: Status; at: Date | null } = { status: 'not_started', at: null };
    const endsComplete = k >= 3 && rng.chance(0.25);
    for (let u = 0; u < k; u++) {
      const day = toMs(FIRST_UPDATE) + Math.floor(((u + 0.5) / k) * span) + rng.int(-3, 3) * dayMs;
      const at = new Date(
        Math.min(day, toMs(DATA_AS_AT) - dayMs) + rng.int(8 * 60, 17 * 60) * 60_000,
      );
      if (u > 0) {
        status = rng.weighted<Status>([
          [status, 6],
          ['on_track', 3],
          ['at_risk', 1.5],
          ['off_track', 0.6],
        ]);
      }
      if (endsComplete && u === k - 1) status = 'complete';
      percent = status === 'complete' ? 100 : Math.min(95, percent + rng.int(0, 15));
      const recorder = d.lead.holder ?? editor;
      const correcting = previousId !== null && rng.chance(0.01);
      const id = rng.uuid(at.getTime());
      const forecast = rng.chance(0.3)
        ? rng.pick<Status>(['on_track', 'at_risk', 'complete'])
        : null;
      updates.push({ status, forecast, asAt: isoDay(at.getTime()) });
      out.progress_updates.push({
        tenant_id: tenantId,
        id,
        action_id: d.row.id,
        action_lineage_id: d.row.lineage_id,
        status,
        forecast_status: forecast,
        percent_complete: rng.chance(0.7) ? percent : null,
        happened: fill(rng.pick(W.HAPPENED), rng, d.lead.short),
        next_steps: fill(rng.pick(W.NEXT_STEPS), rng, d.lead.short) || null,
        evidence_url: rng.chance(0.1)
          ? `https://intranet.${slug}.example.gov.uk/docs/${String(i)}`
          : null,
        evidence_file_id: null,
        corrects_id: correcting ? previousId : null,
        correction_note: correcting ? 'Corrects the date given in the previous update.' : null,
        as_at: isoDay(at.getTime()),
        recorded_by: recorder.id,
        recorded_by_label: label(recorder),
        recorded_at: at,
      });
      audits.push({
        at,
        actor: recorder,
        action: correcting ? 'progress.corrected' : 'progress.recorded',
        entityType: 'action',
        entityId: d.row.id,
        before: { status: previous.status, forecast_status: null, last_update_at: previous.at },
        after: { status, forecast_status: null, last_update_at: at, update_id: id },
      });
      previous = { status, at };
      previousId = id;
    }
    d.row.status = previous.status;
    d.row.last_update_at = previous.at;
    if (previous.at) d.row.updated_at = previous.at;
    out.actions.push(d.row);
    if (d.archived) return;
    if (d.strategyIndex === 0) history.push(updates);
    if (d.lead.holder?.id === owner.id) fixture.ownedActionIds.push(d.row.id);
    if (d.strategyIndex === 0 && k > 0 && fixture.actionPageIds.length < 50) {
      fixture.actionPageIds.push(d.row.id);
    }
  });

  chainAudit(out, tenantId, audits, rng);

  // Its own generator, so that the rest of the data is the same with or without governance.
  const measured = out.strategies.find((s) => s.id === fixture.strategyId);
  if (!measured) throw new Error('The measured strategy is missing');
  buildGovernance(out, {
    rng: new Random(`${seed}:governance:${String(index)}`),
    tenantId,
    organisationName: name,
    strategy: {
      id: fixture.strategyId,
      lineageId: measured.lineage_id,
      title: measured.title,
      periodLabel: measured.period_label ?? '',
    },
    admin: { id: admin.id, name: admin.name },
    editor: { id: editor.id, name: editor.name },
    members: people.filter((p) => p.role === 'board').map((p) => ({ id: p.id, name: p.name })),
    history,
  });
  return fixture;
}

function label(p: Person): string {
  return `${p.name} <${p.email}>`;
}

/** The audit trail as the application writes it: numbered and hash-chained, oldest first. */
function chainAudit(out: Dataset, tenantId: string, drafts: AuditDraft[], rng: Random) {
  drafts.sort((a, b) => a.at.getTime() - b.at.getTime());
  let prev = GENESIS_HASH;
  drafts.forEach((d, i) => {
    const fields = {
      id: rng.uuid(d.at.getTime()),
      tenant_id: tenantId,
      seq: i + 1,
      occurred_at: d.at,
      actor_user_id: d.actor.id,
      actor_label: label(d.actor),
      action: d.action,
      entity_type: d.entityType,
      entity_id: d.entityId,
      before: auditValue(d.before),
      after: auditValue(d.after),
      request_id: null,
      ip: null,
      prev_hash: prev,
    };
    const hash = hashEvent(fields);
    out.audit_events.push({
      ...fields,
      before: fields.before === null ? null : JSON.stringify(fields.before),
      after: fields.after === null ? null : JSON.stringify(fields.after),
      hash,
    });
    prev = hash;
  });
}

/** Every organisation of a profile. The first organisation's fixture drives the benchmark. */
export function buildDataset(
  profile: ProfileName,
  seed: string,
  passwordHash: string,
  /** Only the first n organisations (the national profile generates a few and clones them). */
  organisations?: number,
): { data: Dataset; fixture: Fixture; size: ProfileSize } {
  const size = PROFILES[profile];
  const data = Object.fromEntries(TABLE_ORDER.map((t) => [t, []])) as unknown as Dataset;
  const fixtures: Fixture[] = [];
  for (let o = 0; o < (organisations ?? size.organisations); o++) {
    fixtures.push(buildOrganisation(data, size, o, seed, passwordHash));
  }
  const fixture = fixtures[0];
  if (!fixture) throw new Error('A profile needs at least one organisation');
  return { data, fixture, size };
}
