/**
 * The report as a list of blocks (headings, numbered paragraphs, lists, tables, charts), built once
 * from the snapshot. Every renderer walks the same blocks, so the web page, the Word paper and the
 * PDF carry the same words, numbers and tables in the same order.
 */
import type {
  NarrativeSectionKey,
  ReportSnapshot,
  SectionKey,
  SnapshotAction,
} from '../report.types.js';
import { NARRATIVE_SECTIONS } from '../report.types.js';
import { statusChart, themeChart, type BarChart } from './charts.js';
import { money, ukDate } from './format.js';

export interface TableBlock {
  kind: 'table';
  caption: string;
  head: string[];
  rows: string[][];
  /** Columns holding numbers or money (right-aligned). */
  numeric?: number[];
  /** Relative column widths. */
  widths?: number[];
}

export type Block =
  | { kind: 'heading'; level: 2 | 3; number: string | null; text: string; id: string }
  | { kind: 'para'; number: string | null; text: string }
  | { kind: 'list'; items: string[] }
  | TableBlock
  | { kind: 'chart'; chart: BarChart };

export interface ReportDocument {
  title: string;
  /** Lines above the title, as on a committee paper: organisation, board and meeting date. */
  kicker: string[];
  /** Facts under the title: as at, period, version. */
  facts: { label: string; value: string }[];
  blocks: Block[];
}

function statusText(a: SnapshotAction): string {
  return a.forecastLabel && a.forecastStatus !== a.status
    ? `${a.statusLabel} (forecast: ${a.forecastLabel})`
    : a.statusLabel;
}

function dueText(a: SnapshotAction): string {
  if (a.due) return ukDate(a.due) + (a.overdue ? ' (overdue)' : '');
  return a.timescaleText ?? 'Not given';
}

function latestText(a: SnapshotAction): string {
  if (!a.latest) return 'No update recorded';
  return `${a.latest.happened} (${ukDate(a.latest.on)}${a.latest.by ? `, ${a.latest.by}` : ''})`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
}

/** Officers' plain text: blank lines separate paragraphs; lines starting "-", "*" or "•" are list items. */
export function narrativeBlocks(
  text: string,
): ({ kind: 'para'; text: string } | { kind: 'list'; items: string[] })[] {
  const out: ({ kind: 'para'; text: string } | { kind: 'list'; items: string[] })[] = [];
  for (const chunk of text.replace(/\r\n?/g, '\n').split(/\n\s*\n/)) {
    const lines = chunk
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    let para: string[] = [];
    let items: string[] = [];
    const flushPara = () => {
      if (para.length) out.push({ kind: 'para', text: para.join(' ') });
      para = [];
    };
    const flushList = () => {
      if (items.length) out.push({ kind: 'list', items });
      items = [];
    };
    for (const line of lines) {
      const item = /^(?:[-*•–]|\d+[.)])\s+(.*)$/.exec(line);
      if (item?.[1]) {
        flushPara();
        items.push(item[1]);
      } else {
        flushList();
        para.push(line);
      }
    }
    flushPara();
    flushList();
  }
  return out;
}

function actionTable(
  caption: string,
  actions: SnapshotAction[],
  columns: ('theme' | 'owner' | 'status' | 'due' | 'latest' | 'next')[],
): TableBlock {
  const HEAD: Record<(typeof columns)[number], string> = {
    theme: 'Theme',
    owner: 'Lead',
    status: 'Status',
    due: 'Due',
    latest: 'Latest update',
    next: 'What is being done',
  };
  const WIDTH: Record<(typeof columns)[number], number> = {
    theme: 2,
    owner: 2,
    status: 2,
    due: 2,
    latest: 4,
    next: 3,
  };
  return {
    kind: 'table',
    caption,
    head: ['Ref', 'Action', ...columns.map((c) => HEAD[c])],
    widths: [1, 4, ...columns.map((c) => WIDTH[c])],
    rows: actions.map((a) => [
      a.ref,
      a.title,
      ...columns.map((c) => {
        switch (c) {
          case 'theme':
            return a.theme ?? 'None';
          case 'owner':
            return a.owner ?? 'Not given';
          case 'status':
            return statusText(a);
          case 'due':
            return dueText(a);
          case 'latest':
            return latestText(a);
          case 'next':
            return a.latest?.nextSteps ?? 'Not given';
        }
      }),
    ]),
  };
}

class Numbering {
  section = 0;
  para = 0;
  nextSection(): string {
    this.section += 1;
    this.para = 0;
    return String(this.section);
  }
  nextPara(): string {
    this.para += 1;
    return `${this.section}.${this.para}`;
  }
}

function dataSection(key: SectionKey, s: ReportSnapshot, n: Numbering, out: Block[]) {
  const para = (text: string) => out.push({ kind: 'para', number: n.nextPara(), text });
  const sub = (text: string, id: string) =>
    out.push({ kind: 'heading', level: 3, number: null, text, id });
  const since = s.periodStart ? `since ${ukDate(s.periodStart)}` : 'in this period';
  switch (key) {
    case 'previousDecisions': {
      if (!s.previousDecisions.length) {
        para('No previous decisions about this strategy are recorded.');
        return;
      }
      para('The decisions taken so far about this strategy are:');
      out.push({
        kind: 'table',
        caption: 'Previous decisions',
        head: ['Date', 'Board', 'Item', 'Decision', 'Note'],
        widths: [2, 2, 3, 2, 4],
        rows: s.previousDecisions.map((d) => [
          ukDate(d.meetsOn),
          d.board,
          d.item,
          d.outcome,
          d.note ?? '',
        ]),
      });
      return;
    }
    case 'progressSummary': {
      const p = s.progressSummary;
      const parts = p.byStatus
        .filter((c) => c.current > 0)
        .map((c) => `${c.current} ${c.label.toLowerCase()}`);
      para(
        `At ${ukDate(s.asAt)} the plan has ${plural(p.total, 'live action')}${parts.length ? `: ${parts.join(', ')}` : ''}.`,
      );
      const offTrack = p.byStatus.filter((c) => c.rag === 'red' || c.rag === 'amber');
      const nowBad = offTrack.reduce((sum, c) => sum + c.current, 0);
      const laterBad = offTrack.reduce((sum, c) => sum + c.forecast, 0);
      para(
        `${plural(nowBad, 'action is', 'actions are')} at risk or off track now; lead officers forecast ${laterBad} by the next report. The chart and table below show each status now and as forecast.`,
      );
      out.push({ kind: 'chart', chart: statusChart(p.byStatus, 'chart-status') });
      if (p.byTheme.length) {
        para('Progress in each theme of the strategy:');
        out.push({ kind: 'chart', chart: themeChart(p.byTheme, 'chart-theme') });
      }
      return;
    }
    case 'completed': {
      if (!s.completed.length) {
        para(`No actions were completed ${since}.`);
        return;
      }
      para(`${plural(s.completed.length, 'action was', 'actions were')} completed ${since}.`);
      out.push(actionTable('Actions completed', s.completed, ['theme', 'owner', 'latest']));
      return;
    }
    case 'exceptions': {
      if (!s.exceptions.length) {
        para('No actions are off track, at risk or overdue.');
        return;
      }
      para(
        `${plural(s.exceptions.length, 'action is', 'actions are')} off track, at risk or overdue. For each, the lead officer's latest update and what is being done:`,
      );
      out.push(
        actionTable('Actions off track, at risk or overdue', s.exceptions, [
          'owner',
          'status',
          'due',
          'latest',
          'next',
        ]),
      );
      return;
    }
    case 'changes': {
      const c = s.changes;
      const total = c.added.length + c.statusMoves.length + c.redated.length + c.dropped.length;
      if (!total) {
        para(`The plan has not changed ${since}.`);
        return;
      }
      para(
        `Changes to the plan ${since}: ${plural(c.added.length, 'new action')}, ${plural(c.statusMoves.length, 'change')} of status, ${plural(c.redated.length, 'action')} re-dated and ${plural(c.dropped.length, 'action')} dropped.`,
      );
      if (c.added.length) {
        sub('New actions', 'changes-added');
        out.push(actionTable('New actions', c.added, ['theme', 'owner', 'due']));
      }
      if (c.statusMoves.length) {
        sub('Changes of status', 'changes-status');
        out.push({
          kind: 'table',
          caption: 'Changes of status',
          head: ['Ref', 'Action', 'Was', 'Now'],
          widths: [1, 5, 2, 2],
          rows: c.statusMoves.map((m) => [m.action.ref, m.action.title, m.fromLabel, m.toLabel]),
        });
      }
      if (c.redated.length) {
        sub('Re-dated actions', 'changes-redated');
        out.push({
          kind: 'table',
          caption: 'Re-dated actions',
          head: ['Ref', 'Action', 'Was due', 'Now due'],
          widths: [1, 5, 2, 2],
          rows: c.redated.map((r) => [
            r.action.ref,
            r.action.title,
            r.fromDue ? ukDate(r.fromDue) : 'Not given',
            r.toDue ? ukDate(r.toDue) : 'Not given',
          ]),
        });
      }
      if (c.dropped.length) {
        sub('Dropped actions', 'changes-dropped');
        out.push({
          kind: 'table',
          caption: 'Dropped actions',
          head: ['Ref', 'Action', 'Reason'],
          widths: [1, 4, 5],
          rows: c.dropped.map((d) => [d.action.ref, d.action.title, d.reason ?? 'Not given']),
        });
      }
      return;
    }
    case 'milestones': {
      if (!s.milestones.length) {
        para('No actions are due in the next period.');
        return;
      }
      para(`${plural(s.milestones.length, 'action is', 'actions are')} due in the next period:`);
      out.push(actionTable('Upcoming milestones', s.milestones, ['owner', 'due', 'status']));
      return;
    }
    case 'resources': {
      const r = s.resources;
      para(
        r.totalPence > 0
          ? `Actions in the plan carry resource estimates totalling ${money(r.totalPence)}.`
          : 'No actions in the plan carry a resource estimate.',
      );
      if (r.needingAdditional.length) {
        para(
          `${plural(r.needingAdditional.length, 'action needs', 'actions need')} additional resources:`,
        );
        out.push({
          kind: 'table',
          caption: 'Actions needing additional resources',
          head: ['Ref', 'Action', 'Lead', 'Resources', 'Amount'],
          widths: [1, 4, 2, 3, 2],
          numeric: [4],
          rows: r.needingAdditional.map((a) => [
            a.ref,
            a.title,
            a.owner ?? 'Not given',
            a.resourcesText ?? '',
            a.resourcesPence !== null ? money(a.resourcesPence) : '',
          ]),
        });
      }
      if (r.withAmounts.length) {
        out.push({
          kind: 'table',
          caption: 'Resource estimates by action',
          head: ['Ref', 'Action', 'Resources', 'Amount'],
          widths: [1, 5, 3, 2],
          numeric: [3],
          rows: [
            ...r.withAmounts.map((a) => [
              a.ref,
              a.title,
              a.resourcesText ?? '',
              money(a.resourcesPence ?? 0),
            ]),
            ['', 'Total', '', money(r.totalPence)],
          ],
        });
      }
      return;
    }
    default:
      return;
  }
}

function isNarrative(key: SectionKey): key is NarrativeSectionKey {
  return (NARRATIVE_SECTIONS as readonly string[]).includes(key);
}

export function buildReportDocument(s: ReportSnapshot): ReportDocument {
  const kicker = [s.organisation.name];
  if (s.board) {
    kicker.push(s.meeting ? `${s.board.name} – ${ukDate(s.meeting.meetsOn)}` : s.board.name);
  }
  const facts: ReportDocument['facts'] = [
    {
      label: 'Strategy',
      value:
        s.strategy.periodLabel && !s.strategy.title.includes(s.strategy.periodLabel)
          ? `${s.strategy.title} (${s.strategy.periodLabel})`
          : s.strategy.title,
    },
    { label: 'Progress as at', value: ukDate(s.asAt) },
  ];
  if (s.periodStart)
    facts.push({ label: 'Period covered', value: `${ukDate(s.periodStart)} to ${ukDate(s.asAt)}` });
  if (s.board) facts.push({ label: 'Report to', value: s.board.name });
  if (s.approval.approvedBy) {
    facts.push({
      label: 'Approved by',
      value:
        s.approval.approvedBy +
        (s.approval.approvedAt ? ` on ${ukDate(s.approval.approvedAt)}` : ''),
    });
  }
  facts.push({
    label: 'Version',
    value: s.published
      ? `Version ${s.published.version}, published ${ukDate(s.published.at)}`
      : 'Draft: not published',
  });
  if (s.published?.supersedes) {
    facts.push({
      label: 'Replaces',
      value: `Version ${s.published.supersedes.version}. What changed: ${s.published.supersedes.note}`,
    });
  }

  const n = new Numbering();
  const blocks: Block[] = [];
  for (const section of s.sections) {
    const number = n.nextSection();
    blocks.push({
      kind: 'heading',
      level: 2,
      number,
      text: section.heading,
      id: `section-${section.key}`,
    });
    if (isNarrative(section.key)) {
      const text = s.narrative[section.key]?.trim();
      if (!text) {
        blocks.push({ kind: 'para', number: n.nextPara(), text: 'None.' });
        continue;
      }
      for (const b of narrativeBlocks(text)) {
        if (b.kind === 'para') blocks.push({ kind: 'para', number: n.nextPara(), text: b.text });
        else blocks.push(b);
      }
    } else {
      dataSection(section.key, s, n, blocks);
    }
  }
  return { title: s.title, kicker, facts, blocks };
}
