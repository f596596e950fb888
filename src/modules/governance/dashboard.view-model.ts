/** Shapes a strategy's actions into the dashboard: counts, charts with data tables, and lists. */
import {
  DEFAULT_STATUS_LABELS,
  isOverdue,
  isStale,
  type Rag,
  type Status,
} from '../strategy/index.js';
import type { DashboardAction, TrendPoint } from './dashboard.queries.js';
import type { StatusCount } from './report.types.js';
import {
  chartFigureHtml,
  ownerChart,
  statusChart,
  themeChart,
  trendChart,
  ukDate,
} from './render/index.js';

const ORDER: Status[] = [
  'not_started',
  'on_track',
  'at_risk',
  'off_track',
  'complete',
  'deferred',
  'cancelled',
  'superseded',
];

const RAGS: readonly Rag[] = ['red', 'amber', 'green', 'blue', 'grey'];

export type StatusWords = Record<Status, { label: string; rag: Rag }>;

/** The organisation's own words for each status over the defaults (strategy_settings.status_labels). */
export function statusWordsFrom(stored: unknown): StatusWords {
  const custom = (stored ?? {}) as Partial<Record<Status, { label?: unknown; rag?: unknown }>>;
  const out = {} as StatusWords;
  for (const status of ORDER) {
    const c = custom[status];
    const label =
      typeof c?.label === 'string' && c.label.trim()
        ? c.label
        : DEFAULT_STATUS_LABELS[status].label;
    const rag = RAGS.includes(c?.rag as Rag) ? (c?.rag as Rag) : DEFAULT_STATUS_LABELS[status].rag;
    out[status] = { label, rag };
  }
  return out;
}

function counts(actions: DashboardAction[], words: StatusWords): StatusCount[] {
  const now = new Map<Status, number>();
  const later = new Map<Status, number>();
  for (const a of actions) {
    now.set(a.status, (now.get(a.status) ?? 0) + 1);
    const f = a.forecast_status ?? a.status;
    later.set(f, (later.get(f) ?? 0) + 1);
  }
  return ORDER.map((status) => ({
    status,
    label: words[status].label,
    rag: words[status].rag,
    current: now.get(status) ?? 0,
    forecast: later.get(status) ?? 0,
  }));
}

function themeOf(a: DashboardAction): string {
  if (!a.area_title) return 'No theme';
  return a.area_number ? `${a.area_number}. ${a.area_title}` : a.area_title;
}

function ownerOf(a: DashboardAction): string {
  return a.post_name ?? a.lead_text?.trim() ?? 'No lead named';
}

function grouped<K extends string>(
  actions: DashboardAction[],
  key: (a: DashboardAction) => K,
): Map<K, DashboardAction[]> {
  const out = new Map<K, DashboardAction[]>();
  for (const a of actions) {
    const k = key(a);
    const list = out.get(k);
    if (list) list.push(a);
    else out.set(k, [a]);
  }
  return out;
}

export interface DashboardInput {
  actions: DashboardAction[];
  trend: TrendPoint[];
  words: StatusWords;
  today: string;
}

function actionRow(a: DashboardAction, words: StatusWords) {
  return {
    id: a.id,
    ref: a.ref,
    title: a.title,
    owner: ownerOf(a),
    status: words[a.status].label,
    rag: words[a.status].rag,
    forecast:
      a.forecast_status && a.forecast_status !== a.status ? words[a.forecast_status].label : null,
    dueOn: a.due_on,
    lastUpdate: a.last_update_at ? a.last_update_at.toISOString().slice(0, 10) : null,
  };
}

export function dashboardView(input: DashboardInput) {
  const { actions, words, today } = input;
  const byStatus = counts(actions, words);
  const themes = grouped(actions, themeOf);
  // Themes in plan order (area position), with "No theme" last.
  const themeOrder = [...themes.keys()].sort((x, y) => {
    const px = themes.get(x)?.[0]?.area_position ?? Number.MAX_SAFE_INTEGER;
    const py = themes.get(y)?.[0]?.area_position ?? Number.MAX_SAFE_INTEGER;
    return px - py;
  });
  const byTheme = themeOrder.map((theme) => ({
    theme,
    counts: counts(themes.get(theme) ?? [], words),
  }));
  const owners = grouped(actions, ownerOf);
  const byOwner = [...owners.entries()]
    .sort((x, y) => y[1].length - x[1].length || x[0].localeCompare(y[0]))
    .map(([owner, list]) => ({ owner, counts: counts(list, words) }));

  const trendPoints = input.trend
    .filter((p) => Array.isArray(p.by_status))
    .map((p) => ({
      label: `${ukDate(p.as_at)}${p.version > 1 ? ` (version ${p.version})` : ''}`,
      // Every point in today's words and order, whatever statuses a past snapshot listed.
      counts: ORDER.map((status) => {
        const c = p.by_status?.find((x) => x.status === status);
        return {
          status,
          label: words[status].label,
          rag: words[status].rag,
          current: typeof c?.current === 'number' ? c.current : 0,
          forecast: typeof c?.forecast === 'number' ? c.forecast : 0,
        };
      }),
    }));
  trendPoints.push({ label: `Now (${ukDate(today)})`, counts: byStatus });

  const overdue = actions
    .filter((a) => isOverdue(a, today))
    .sort((x, y) => (x.due_on ?? '').localeCompare(y.due_on ?? ''))
    .map((a) => actionRow(a, words));
  const stale = actions
    .filter((a) => isStale(a, today))
    .sort(
      (x, y) =>
        (x.last_update_at ?? x.created_at).getTime() - (y.last_update_at ?? y.created_at).getTime(),
    )
    .map((a) => actionRow(a, words));

  return {
    total: actions.length,
    summary: byStatus.filter((c) => c.current > 0 || c.forecast > 0),
    statusFigure: chartFigureHtml(statusChart(byStatus, 'dashboard-status')),
    themeFigure: byTheme.length ? chartFigureHtml(themeChart(byTheme, 'dashboard-theme')) : null,
    ownerFigure: byOwner.length ? chartFigureHtml(ownerChart(byOwner, 'dashboard-owner')) : null,
    trendFigure: chartFigureHtml(trendChart(trendPoints, 'dashboard-trend')),
    pastReports: input.trend.length,
    overdue,
    stale,
  };
}

/** Open actions due from today up to the meeting: what the board will want to hear about. */
export function dueByMeeting(
  actions: DashboardAction[],
  words: StatusWords,
  today: string,
  meetsOn: string,
) {
  return actions
    .filter(
      (a) =>
        a.due_on &&
        a.due_on >= today &&
        a.due_on <= meetsOn &&
        !['complete', 'cancelled', 'superseded'].includes(a.status),
    )
    .sort((x, y) => (x.due_on ?? '').localeCompare(y.due_on ?? ''))
    .map((a) => actionRow(a, words));
}
