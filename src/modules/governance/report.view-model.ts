/** Shaping reports for the pages: status tags, list rows, the narrative form and the history. */
import type { FieldError } from '../../kernel/http/errors.js';
import type { ReportStatus } from './governance.tables.js';
import type { ReportRow } from './report.draft.js';
import type { listReports, reportEvents, versionsOf } from './report.queries.js';
import { STATUS_WORDS } from './report.service.js';
import type { ReportSnapshot } from './report.types.js';
import { isNarrativeKey, SECTION_PURPOSE, type TemplateSection } from './template.service.js';

const TAG_CLASSES: Record<ReportStatus, string> = {
  draft: 'govuk-tag--grey',
  submitted: 'govuk-tag--yellow',
  approved: 'govuk-tag--turquoise',
  published: 'govuk-tag--green',
  superseded: 'govuk-tag--purple',
  withdrawn: 'govuk-tag--red',
};

export function statusTag(status: ReportStatus) {
  return { text: STATUS_WORDS[status], classes: TAG_CLASSES[status] };
}

export function reportListRows(rows: Awaited<ReturnType<typeof listReports>>) {
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    strategyTitle: r.strategy_title,
    boardName: r.board_name,
    meetsOn: r.meets_on,
    asAt: r.as_at,
    status: statusTag(r.status),
    latestVersion: r.latest_version,
  }));
}

/** The text boxes of the edit form, in the template's order, each with what it is for. */
export function narrativeFields(
  template: readonly TemplateSection[],
  values: Record<string, unknown>,
) {
  return template
    .filter((s) => isNarrativeKey(s.key))
    .map((s) => ({
      key: s.key,
      name: `narrative-${s.key}`,
      heading: s.heading,
      hint: SECTION_PURPOSE[s.key],
      value: typeof values[`narrative-${s.key}`] === 'string' ? values[`narrative-${s.key}`] : '',
    }));
}

/** The sections drawn from the record, named as the template names them. */
export function dataSectionHeadings(template: readonly TemplateSection[]) {
  return template
    .filter((s) => !isNarrativeKey(s.key))
    .map((s) => ({ heading: s.heading, hint: SECTION_PURPOSE[s.key] }));
}

export function narrativeValues(report: ReportRow): Record<string, string> {
  const values: Record<string, string> = { title: report.title };
  const [y = '', m = '', d = ''] = report.as_at.split('-');
  values['asAt-day'] = String(Number(d));
  values['asAt-month'] = String(Number(m));
  values['asAt-year'] = y;
  for (const [key, text] of Object.entries(report.narrative)) values[`narrative-${key}`] = text;
  return values;
}

/** Date inputs file their error under `<name>-day`, so the summary's link lands in the first box. */
export function dateErrors(errors: FieldError[], names: string[]): FieldError[] {
  return errors.map((e) => (names.includes(e.field) ? { ...e, field: `${e.field}-day` } : e));
}

const EVENT_WORDS: Record<string, string> = {
  'report.created': 'Created',
  'report.updated': 'Edited',
  'report.submitted': 'Submitted for sign-off',
  'report.approved': 'Approved',
  'report.returned': 'Returned for changes',
  'report.published': 'Published',
  'report.superseded': 'Corrected version published',
  'report.withdrawn': 'Withdrawn',
};

export function historyRows(events: Awaited<ReturnType<typeof reportEvents>>) {
  return events
    .filter((e) => e.action !== 'report.updated')
    .map((e) => {
      const after = (e.after ?? {}) as Record<string, unknown>;
      const detail: string[] = [];
      if (typeof after.approver === 'string') detail.push(`Approver: ${after.approver}`);
      if (typeof after.comment === 'string') detail.push(after.comment);
      if (typeof after.version === 'number') detail.push(`Version ${String(after.version)}`);
      if (typeof after.change_note === 'string') detail.push(after.change_note);
      return {
        what: EVENT_WORDS[e.action] ?? e.action,
        who: e.actor_label.replace(/\s*<[^>]*>\s*$/, ''),
        when: e.occurred_at,
        detail: detail.join('. '),
      };
    });
}

/** The approver's note when a report was last sent back, while it is a draft again. */
export function lastReturnComment(
  events: Awaited<ReturnType<typeof reportEvents>>,
): { comment: string; who: string } | null {
  const last = events.findLast((e) => ['report.returned', 'report.submitted'].includes(e.action));
  if (last?.action !== 'report.returned') return null;
  const comment = (last.after as Record<string, unknown> | null)?.comment;
  return typeof comment === 'string'
    ? { comment, who: last.actor_label.replace(/\s*<[^>]*>\s*$/, '') }
    : null;
}

export function versionRows(reportId: string, versions: Awaited<ReturnType<typeof versionsOf>>) {
  const latest = versions.at(-1)?.version;
  return versions.map((v) => ({
    version: v.version,
    href: `/reports/${reportId}/versions/${String(v.version)}`,
    publishedAt: v.published_at,
    publishedBy: v.published_by_name ?? 'Unknown',
    changeNote: v.change_note,
    public: v.public,
    current: v.version === latest,
  }));
}

export function downloadLinks(base: string) {
  return [
    { href: `${base}.docx`, text: 'Word document (.docx)' },
    { href: `${base}.pdf`, text: 'PDF' },
    { href: `${base}.xlsx`, text: 'Excel annex of the actions (.xlsx)' },
  ];
}

const UK_DATE = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
const UK_DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZone: 'Europe/London',
});

function ukDate(date: string): string {
  return UK_DATE.format(new Date(`${date}T00:00:00Z`));
}

/** The facts above a report, as summary list rows. */
export function snapshotSummary(snapshot: ReportSnapshot) {
  const row = (key: string, text: string) => ({ key: { text: key }, value: { text } });
  const rows = [
    row('Strategy', snapshot.strategy.title),
    row('Board', snapshot.board?.name ?? 'No board'),
  ];
  if (snapshot.meeting) rows.push(row('Meeting', ukDate(snapshot.meeting.meetsOn)));
  rows.push(row('As at', ukDate(snapshot.asAt)));
  rows.push(
    row(
      'Period covered',
      snapshot.periodStart
        ? `From ${ukDate(snapshot.periodStart)} to ${ukDate(snapshot.asAt)}`
        : `Up to ${ukDate(snapshot.asAt)}`,
    ),
  );
  rows.push(
    row(
      'Previous report',
      snapshot.previousReport
        ? `${snapshot.previousReport.title}, as at ${ukDate(snapshot.previousReport.asAt)}`
        : 'None: this is the first',
    ),
  );
  if (snapshot.approval.approvedBy)
    rows.push(
      row(
        'Approved by',
        snapshot.approval.approvedAt
          ? `${snapshot.approval.approvedBy}, ${UK_DATE_TIME.format(new Date(snapshot.approval.approvedAt))}`
          : snapshot.approval.approvedBy,
      ),
    );
  return rows;
}
