import { canonicalJson } from '../../kernel/audit/audit.js';
import type { AuditEvent } from '../../kernel/db/schema.js';
import type { Person } from './audit.queries.js';
import type { AuditFilters } from './audit.schemas.js';
import { filterQuery } from './audit.schemas.js';
import { PAGE_SIZE, type ChainCheck, type EventPage } from './audit.service.js';

/** Plain words for the actions Waymark records; anything else is spelt out from its code. */
const ACTION_WORDS: Record<string, string> = {
  'organisation.created': 'Organisation created',
  'organisation.updated': 'Organisation settings changed',
  'organisation.archived': 'Organisation archived',
  'membership.created': 'Person added to the organisation',
  'membership.updated': 'Person’s role changed',
  'membership.role_changed': 'Person’s role changed',
  'membership.removed': 'Person removed from the organisation',
  'membership.deleted': 'Person removed from the organisation',
  'user.created': 'Account created',
  'user.updated': 'Account details changed',
  'user.locked': 'Account locked after failed sign-ins',
  'user.password_changed': 'Password changed',
  'user.password_reset': 'Password reset',
  'invitation.created': 'Invitation sent',
  'invitation.accepted': 'Invitation accepted',
  'invitation.revoked': 'Invitation withdrawn',
  'token.created': 'API token created',
  'token.revoked': 'API token revoked',
  'sso_config.created': 'Single sign-on set up',
  'sso_config.updated': 'Single sign-on settings changed',
  'sso_config.deleted': 'Single sign-on removed',
  'import.committed': 'Plan imported',
  'board.created': 'Board created',
  'board.updated': 'Board changed',
  'board.archived': 'Board archived',
  'board.member_added': 'Member added to a board',
  'board.member_removed': 'Member removed from a board',
  'board.strategies_changed': 'Strategies a board oversees changed',
  'meeting.created': 'Meeting added',
  'meeting.updated': 'Meeting changed',
  'meeting.status_changed': 'Meeting marked held, cancelled or planned',
  'agenda_item.created': 'Agenda item added',
  'agenda_item.updated': 'Agenda item changed',
  'agenda_item.moved': 'Agenda item moved',
  'decision.recorded': 'Decision recorded',
  'decision.corrected': 'Decision corrected by a new decision',
  'report.created': 'Progress report created',
  'report.updated': 'Progress report edited',
  'report.submitted': 'Progress report submitted for sign-off',
  'report.approved': 'Progress report approved',
  'report.returned': 'Progress report returned for changes',
  'report.published': 'Progress report published',
  'report.superseded': 'Corrected version of a progress report published',
  'report.withdrawn': 'Progress report withdrawn',
  'report_template.updated': 'Report template changed',
};

const TYPE_WORDS: Record<string, string> = {
  organisation: 'Organisation',
  membership: 'Membership',
  user: 'Person',
  invitation: 'Invitation',
  api_token: 'API token',
  sso_config: 'Single sign-on settings',
  board: 'Board',
  meeting: 'Meeting',
  agenda_item: 'Agenda item',
  decision: 'Decision',
  report: 'Progress report',
  report_template: 'Report template',
  import: 'Plan import',
};

function spellOut(code: string): string {
  const words = code.replace(/[._-]+/g, ' ').trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : code;
}

export function actionWords(action: string): string {
  return ACTION_WORDS[action] ?? spellOut(action);
}

export function entityTypeWords(entityType: string): string {
  return TYPE_WORDS[entityType] ?? spellOut(entityType);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const NAME_KEYS = ['name', 'title', 'display_name', 'displayName', 'email', 'reference'];

/** A human name for the record an event is about, when the event or the member list gives one. */
export function recordName(event: AuditEvent, people: ReadonlyMap<string, Person>): string | null {
  // Memberships and people are recorded by the person's user id.
  if ((event.entity_type === 'membership' || event.entity_type === 'user') && event.entity_id) {
    const person = people.get(event.entity_id);
    if (person) return person.name;
  }
  for (const values of [event.after, event.before]) {
    if (!isPlainObject(values)) continue;
    for (const key of NAME_KEYS) {
      const v = values[key];
      if (typeof v === 'string' && v.trim()) return v;
    }
  }
  return null;
}

/** A value as a person should read it in a table cell: text as is, anything else as JSON. */
export function displayValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export interface FieldChange {
  field: string;
  before: string | null;
  after: string | null;
}

/** The fields whose value differs between before and after, in the order they were written. */
export function changedFields(before: unknown, after: unknown): FieldChange[] {
  if (before == null && after == null) return [];
  const beforeObj = before == null ? {} : before;
  const afterObj = after == null ? {} : after;
  if (!isPlainObject(beforeObj) || !isPlainObject(afterObj)) {
    return canonicalJson(before) === canonicalJson(after)
      ? []
      : [{ field: 'Value', before: displayValue(before), after: displayValue(after) }];
  }
  const keys = [...new Set([...Object.keys(beforeObj), ...Object.keys(afterObj)])];
  return keys
    .filter((k) => canonicalJson(beforeObj[k]) !== canonicalJson(afterObj[k]))
    .map((k) => ({
      field: k,
      before: displayValue(beforeObj[k]),
      after: displayValue(afterObj[k]),
    }));
}

export function peopleById(people: readonly Person[]): Map<string, Person> {
  return new Map(people.map((p) => [p.id, p]));
}

export interface EventRow {
  id: string;
  seq: number;
  occurredAt: Date;
  who: string;
  what: string;
  recordType: string;
  recordName: string | null;
  recordId: string | null;
  href: string;
}

export function eventRow(event: AuditEvent, people: ReadonlyMap<string, Person>): EventRow {
  return {
    id: event.id,
    seq: event.seq,
    occurredAt: event.occurred_at,
    who: event.actor_label,
    what: actionWords(event.action),
    recordType: entityTypeWords(event.entity_type),
    recordName: recordName(event, people),
    recordId: event.entity_id,
    href: `/admin/audit/${event.id}`,
  };
}

/** The address of a record's history, for "History of this record" links on other pages. */
export function recordHistoryPath(entityType: string, entityId: string): string {
  return `/admin/audit/records/${encodeURIComponent(entityType)}/${encodeURIComponent(entityId)}`;
}

const count = (n: number) => n.toLocaleString('en-GB');
const plural = (n: number, one: string, many: string) => `${count(n)} ${n === 1 ? one : many}`;

/** "Showing 51 to 100 of 230 events". */
export function resultSummary(results: EventPage): string {
  if (results.total === 0) return 'No events';
  const first = (results.page - 1) * PAGE_SIZE + 1;
  const last = first + results.events.length - 1;
  if (results.pageCount === 1) return `Showing ${plural(results.total, 'event', 'events')}`;
  return `Showing ${count(first)} to ${count(last)} of ${plural(results.total, 'event', 'events')}`;
}

export interface ChainBanner {
  intact: boolean;
  heading: string;
  /** The first altered event, for the link and its description. */
  broken: {
    seq: number;
    id: string;
    reason: string;
    /** What can still be trusted: the events before the broken one. */
    intactBefore: string;
    occurredAt: Date | null;
    what: string | null;
    href: string | null;
  } | null;
}

export function chainBanner(check: ChainCheck): ChainBanner {
  const { report, brokenEvent } = check;
  if (!report.broken) {
    return {
      intact: true,
      heading: `${plural(report.checked, 'event', 'events')} checked, no changes found`,
      broken: null,
    };
  }
  const { seq, id, reason } = report.broken;
  return {
    intact: false,
    heading: `The audit trail has been altered: event #${String(seq)} — ${reason}`,
    broken: {
      seq,
      id,
      reason,
      intactBefore:
        report.checked === 0
          ? 'It is the first event in the trail'
          : report.checked === 1
            ? 'The event before it is intact'
            : `The ${count(report.checked)} events before it are intact`,
      occurredAt: brokenEvent?.occurred_at ?? null,
      what: brokenEvent ? actionWords(brokenEvent.action) : null,
      href: brokenEvent ? `/admin/audit/${brokenEvent.id}` : null,
    },
  };
}

export interface Option {
  value: string;
  text: string;
  selected?: boolean;
}

export function personOptions(people: readonly Person[], selected: string | undefined): Option[] {
  return [
    { value: '', text: 'Anyone' },
    ...people.map((p) => ({
      value: p.id,
      text: p.member
        ? `${p.name}${p.email ? ` (${p.email})` : ''}`
        : `${p.name} – no longer a member`,
    })),
    { value: 'system', text: 'System (Waymark itself, not a person)' },
  ].map((o) => ({ ...o, selected: o.value === (selected ?? '') }));
}

export function typeOptions(types: readonly string[], selected: string | undefined): Option[] {
  const options = [
    { value: '', text: 'Any type' },
    ...types.map((t) => ({ value: t, text: entityTypeWords(t) })),
  ];
  // A type from a link that the trail no longer lists still shows as chosen.
  if (selected && !types.includes(selected))
    options.push({ value: selected, text: entityTypeWords(selected) });
  return options.map((o) => ({ ...o, selected: o.value === (selected ?? '') }));
}

/** An address of the trail with the given filters, on a given page. */
export function trailHref(base: string, filters: AuditFilters, page = 1): string {
  const params = filterQuery(filters);
  if (page > 1) params.set('page', String(page));
  const qs = params.toString();
  return qs ? `${base}?${qs}` : base;
}

export function hasFilters(filters: AuditFilters): boolean {
  return Object.values(filters).some((v) => v !== undefined && v !== '');
}
