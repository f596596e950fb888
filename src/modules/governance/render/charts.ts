/**
 * Bar charts drawn on the server: SVG for the web and PDF-free pages, PNG (no labels) for Word and
 * PDF, and the data table that always goes with them. A status is shown by its word, a shape and a
 * colour, never by colour alone. The output depends only on the input (no random ids, no clock),
 * so charts can be compared in tests and cached.
 */
import { PNG } from 'pngjs';
import { RAG_SHAPES, type Rag } from '../../strategy/index.js';
import type { StatusCount } from '../report.types.js';
import { esc } from './format.js';

export type Shape = (typeof RAG_SHAPES)[Rag];

/** Colours with at least 3:1 contrast against white (GOV.UK palette). */
export const RAG_COLOURS: Record<Rag, string> = {
  red: '#d4351c',
  amber: '#f47738',
  green: '#00703c',
  blue: '#1d70b8',
  grey: '#505a5f',
};

export interface ChartSeries {
  label: string;
  /** Colour and shape of this series' bars (stacked charts). */
  rag?: Rag;
  /** Drawn hatched rather than solid (e.g. a forecast beside the current figure). */
  hatched?: boolean;
  values: number[];
}

export interface ChartCategory {
  label: string;
  /** Colour and shape of this category's bars (grouped charts coloured by row). */
  rag?: Rag;
}

export interface BarChart {
  /** Unique on the page: used for element ids. */
  id: string;
  title: string;
  /** What the chart shows, in words (the SVG's <desc> and the image's alternative text). */
  description: string;
  /** Header of the data table's first column. */
  categoryHeading: string;
  categories: ChartCategory[];
  series: ChartSeries[];
  /** grouped: one bar per series in each row; stacked: series end to end with a total. */
  layout: 'grouped' | 'stacked';
}

export interface ChartTable {
  caption: string;
  head: string[];
  rows: string[][];
  numeric: number[];
  widths: number[];
}

// ------------------------------------------------------------------------------------------
// Charts from report data

const SHAPE_WORD: Record<Shape, string> = {
  circle: 'circle',
  triangle: 'triangle',
  square: 'square',
  diamond: 'diamond',
  cross: 'cross',
};

/** Statuses with actions in them (now or forecast); all of them when none has any. */
function shown(counts: StatusCount[]): StatusCount[] {
  const some = counts.filter((c) => c.current > 0 || c.forecast > 0);
  return some.length ? some : counts;
}

function listCounts(parts: { label: string; n: number }[]): string {
  const text = parts.map((p) => `${p.label} ${p.n}`);
  return text.length ? text.join(', ') : 'none';
}

/** Actions by status, now and forecast side by side. */
export function statusChart(counts: StatusCount[], id = 'chart-status'): BarChart {
  const rows = shown(counts);
  const now = listCounts(rows.map((c) => ({ label: c.label, n: c.current })));
  const forecast = listCounts(rows.map((c) => ({ label: c.label, n: c.forecast })));
  return {
    id,
    title: 'Actions by status, now and forecast',
    description: `Bar chart of the number of actions in each status. Now: ${now}. Forecast: ${forecast}. Each status also has its own shape.`,
    categoryHeading: 'Status',
    categories: rows.map((c) => ({ label: c.label, rag: c.rag })),
    series: [
      { label: 'Now', values: rows.map((c) => c.current) },
      { label: 'Forecast', hatched: true, values: rows.map((c) => c.forecast) },
    ],
    layout: 'grouped',
  };
}

/** The statuses used by any of several groups of counts, in the order given. */
function statusColumns(groups: StatusCount[][]): StatusCount[] {
  const first = groups[0] ?? [];
  const used = first.filter((c) =>
    groups.some((g) => g.some((x) => x.status === c.status && x.current > 0)),
  );
  return used.length ? used : first;
}

function stacked(
  id: string,
  title: string,
  what: string,
  categoryHeading: string,
  rows: { label: string; counts: StatusCount[] }[],
): BarChart {
  const columns = statusColumns(rows.map((r) => r.counts));
  const series: ChartSeries[] = columns.map((c) => ({
    label: c.label,
    rag: c.rag,
    values: rows.map((r) => r.counts.find((x) => x.status === c.status)?.current ?? 0),
  }));
  const parts = rows.map(
    (r, i) =>
      `${r.label}: ${listCounts(series.map((s) => ({ label: s.label, n: s.values[i] ?? 0 })).filter((p) => p.n > 0))}`,
  );
  return {
    id,
    title,
    description: `Stacked bar chart of actions by status ${what}. ${parts.join('. ')}.`,
    categoryHeading,
    categories: rows.map((r) => ({ label: r.label })),
    series,
    layout: 'stacked',
  };
}

/** Actions in each theme, stacked by current status. */
export function themeChart(
  byTheme: { theme: string; counts: StatusCount[] }[],
  id = 'chart-theme',
): BarChart {
  return stacked(
    id,
    'Actions by theme and status',
    'in each theme',
    'Theme',
    byTheme.map((t) => ({ label: t.theme, counts: t.counts })),
  );
}

/** Status counts at each past report and now. */
export function trendChart(
  points: { label: string; counts: StatusCount[] }[],
  id = 'chart-trend',
): BarChart {
  return stacked(id, 'Actions by status at each report', 'at each report', 'Report', points);
}

/** Actions per owner, stacked by current status. */
export function ownerChart(
  byOwner: { owner: string; counts: StatusCount[] }[],
  id = 'chart-owner',
): BarChart {
  return stacked(
    id,
    'Actions by lead and status',
    'for each lead',
    'Lead',
    byOwner.map((o) => ({ label: o.owner, counts: o.counts })),
  );
}

// ------------------------------------------------------------------------------------------
// Data table

export function chartTable(chart: BarChart): ChartTable {
  const head = [chart.categoryHeading, ...chart.series.map((s) => s.label)];
  if (chart.layout === 'stacked') head.push('Total');
  const rows = chart.categories.map((c, i) => {
    const values = chart.series.map((s) => s.values[i] ?? 0);
    const cells = [c.label, ...values.map(String)];
    if (chart.layout === 'stacked') cells.push(String(values.reduce((a, b) => a + b, 0)));
    return cells;
  });
  return {
    caption: `Data for the chart: ${chart.title}`,
    head,
    rows,
    numeric: head.map((_h, i) => i).slice(1),
    widths: head.map((_h, i) => (i ? 1 : Math.max(2, Math.ceil(head.length / 2)))),
  };
}

/** The data table as GOV.UK table markup. */
export function chartTableHtml(chart: BarChart): string {
  const table = chartTable(chart);
  const head = table.head
    .map(
      (h, i) =>
        `<th scope="col" class="govuk-table__header${i ? ' govuk-table__header--numeric' : ''}">${esc(h)}</th>`,
    )
    .join('');
  const body = table.rows
    .map(
      (r) =>
        `<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">${esc(r[0])}</th>${r
          .slice(1)
          .map((v) => `<td class="govuk-table__cell govuk-table__cell--numeric">${esc(v)}</td>`)
          .join('')}</tr>`,
    )
    .join('');
  return `<table class="govuk-table app-chart-table"><caption class="govuk-table__caption govuk-table__caption--s">${esc(table.caption)}</caption><thead class="govuk-table__head"><tr class="govuk-table__row">${head}</tr></thead><tbody class="govuk-table__body">${body}</tbody></table>`;
}

// ------------------------------------------------------------------------------------------
// Geometry shared by SVG and PNG

const WIDTH = 640;
const LABEL_W = 190;
const BAR_X = LABEL_W + 10;
const BAR_W = WIDTH - BAR_X - 50;
const BAR_H = 16;
const TOP = 10;
const LEGEND_H = 28;

interface Bar {
  x: number;
  y: number;
  w: number;
  h: number;
  colour: string;
  hatched: boolean;
  shape: Shape | null;
  value: number;
}

interface Layout {
  height: number;
  rows: { label: string; shape: Shape | null; colour: string | null; y: number; total: number }[];
  bars: Bar[];
  legend: {
    label: string;
    colour: string;
    hatched: boolean;
    shape: Shape | null;
    x: number;
    y: number;
  }[];
  max: number;
}

function niceMax(n: number): number {
  if (n <= 5) return 5;
  const step = 10 ** Math.floor(Math.log10(n));
  return Math.ceil(n / step) * step;
}

function layout(chart: BarChart): Layout {
  const grouped = chart.layout === 'grouped';
  const perRow = grouped ? chart.series.length : 1;
  const rowH = perRow * BAR_H + (perRow - 1) * 2 + 12;
  const totals = chart.categories.map((_c, i) =>
    grouped
      ? Math.max(0, ...chart.series.map((s) => s.values[i] ?? 0))
      : chart.series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0),
  );
  const max = niceMax(Math.max(0, ...totals));
  const scale = BAR_W / max;
  const rows: Layout['rows'] = [];
  const bars: Bar[] = [];
  chart.categories.forEach((c, i) => {
    const y = TOP + i * rowH;
    const colour = c.rag ? RAG_COLOURS[c.rag] : null;
    rows.push({
      label: c.label,
      shape: c.rag ? RAG_SHAPES[c.rag] : null,
      colour,
      y,
      total: totals[i] ?? 0,
    });
    if (grouped) {
      chart.series.forEach((s, j) => {
        const value = s.values[i] ?? 0;
        bars.push({
          x: BAR_X,
          y: y + j * (BAR_H + 2),
          w: Math.round(value * scale),
          h: BAR_H,
          colour: colour ?? (s.rag ? RAG_COLOURS[s.rag] : RAG_COLOURS.blue),
          hatched: s.hatched ?? false,
          shape: null,
          value,
        });
      });
    } else {
      let x = BAR_X;
      for (const s of chart.series) {
        const value = s.values[i] ?? 0;
        if (value <= 0) continue;
        const w = Math.round(value * scale);
        bars.push({
          x,
          y,
          w,
          h: BAR_H,
          colour: s.rag ? RAG_COLOURS[s.rag] : RAG_COLOURS.blue,
          hatched: s.hatched ?? false,
          shape: s.rag ? RAG_SHAPES[s.rag] : null,
          value,
        });
        x += w;
      }
    }
  });
  const legendY = TOP + chart.categories.length * rowH + 4;
  const legend: Layout['legend'] = [];
  let lx = BAR_X;
  let ly = legendY;
  for (const s of chart.series) {
    const w = 30 + s.label.length * 7;
    if (lx + w > WIDTH && lx > BAR_X) {
      lx = BAR_X;
      ly += LEGEND_H;
    }
    legend.push({
      label: s.label,
      colour: s.rag ? RAG_COLOURS[s.rag] : grouped ? '#0b0c0c' : RAG_COLOURS.blue,
      hatched: s.hatched ?? false,
      shape: grouped ? null : s.rag ? RAG_SHAPES[s.rag] : null,
      x: lx,
      y: ly,
    });
    lx += w + 16;
  }
  return { height: ly + LEGEND_H, rows, bars, legend, max };
}

// ------------------------------------------------------------------------------------------
// SVG

function shapeSvg(shape: Shape, cx: number, cy: number, r: number, fill: string): string {
  const f = `fill="${fill}" stroke="#0b0c0c" stroke-width="1"`;
  switch (shape) {
    case 'circle':
      return `<circle cx="${cx}" cy="${cy}" r="${r}" ${f}/>`;
    case 'square':
      return `<rect x="${cx - r}" y="${cy - r}" width="${2 * r}" height="${2 * r}" ${f}/>`;
    case 'triangle':
      return `<polygon points="${cx},${cy - r} ${cx + r},${cy + r} ${cx - r},${cy + r}" ${f}/>`;
    case 'diamond':
      return `<polygon points="${cx},${cy - r} ${cx + r},${cy} ${cx},${cy + r} ${cx - r},${cy}" ${f}/>`;
    case 'cross':
      return `<path d="M${cx - r} ${cy - r}L${cx + r} ${cy + r}M${cx + r} ${cy - r}L${cx - r} ${cy + r}" stroke="${fill}" stroke-width="3"/>`;
  }
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** An accessible SVG bar chart: role="img", a title and a description; the data table goes beside it. */
export function chartSvg(chart: BarChart): string {
  const l = layout(chart);
  const id = chart.id.replace(/[^A-Za-z0-9_-]/g, '-');
  const hatch = `${id}-hatch`;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" viewBox="0 0 ${WIDTH} ${l.height}" width="${WIDTH}" height="${l.height}" aria-labelledby="${id}-title ${id}-desc" font-family="Arial, sans-serif" font-size="13">`,
    `<title id="${id}-title">${esc(chart.title)}</title>`,
    `<desc id="${id}-desc">${esc(chart.description)}</desc>`,
    `<defs><pattern id="${hatch}" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#0b0c0c" stroke-width="3"/></pattern></defs>`,
  );
  // The scale's zero line and its maximum.
  const bottom = l.rows.length ? (l.rows[l.rows.length - 1]?.y ?? 0) : TOP;
  out.push(
    `<line x1="${BAR_X}" y1="${TOP - 4}" x2="${BAR_X}" y2="${l.legend[0] ? l.legend[0].y - 6 : bottom}" stroke="#0b0c0c"/>`,
  );
  for (const r of l.rows) {
    const cy = r.y + BAR_H / 2;
    let tx = LABEL_W;
    if (r.shape && r.colour) {
      out.push(shapeSvg(r.shape, LABEL_W - 2, cy, 6, r.colour));
      tx = LABEL_W - 14;
    }
    out.push(
      `<text x="${tx}" y="${cy + 4}" text-anchor="end" fill="#0b0c0c">${esc(truncate(r.label, 26))}</text>`,
    );
  }
  for (const b of l.bars) {
    if (b.w > 0) {
      if (b.hatched) {
        out.push(
          `<rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" fill="url(#${hatch})" stroke="${b.colour}" stroke-width="2"/>`,
        );
      } else {
        out.push(
          `<rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" fill="${b.colour}" stroke="#ffffff" stroke-width="1"/>`,
        );
      }
      if (b.shape && b.w >= 16) out.push(shapeSvg(b.shape, b.x + 8, b.y + b.h / 2, 5, '#ffffff'));
    }
    if (chart.layout === 'grouped') {
      out.push(`<text x="${b.x + b.w + 4}" y="${b.y + b.h - 3}" fill="#0b0c0c">${b.value}</text>`);
    }
  }
  if (chart.layout === 'stacked') {
    for (const r of l.rows) {
      const end = l.bars.filter((b) => b.y === r.y).reduce((x, b) => Math.max(x, b.x + b.w), BAR_X);
      out.push(`<text x="${end + 4}" y="${r.y + BAR_H - 3}" fill="#0b0c0c">${r.total}</text>`);
    }
  }
  for (const g of l.legend) {
    const cy = g.y + 8;
    if (g.hatched) {
      out.push(
        `<rect x="${g.x}" y="${g.y}" width="16" height="16" fill="url(#${hatch})" stroke="${g.colour}" stroke-width="2"/>`,
      );
    } else if (g.shape) {
      out.push(shapeSvg(g.shape, g.x + 8, cy, 7, g.colour));
    } else {
      out.push(`<rect x="${g.x}" y="${g.y}" width="16" height="16" fill="${g.colour}"/>`);
    }
    out.push(`<text x="${g.x + 22}" y="${cy + 4}" fill="#0b0c0c">${esc(g.label)}</text>`);
  }
  out.push('</svg>');
  return out.join('');
}

/** The chart and its data table, for a web page. */
export function chartFigureHtml(chart: BarChart): string {
  return `<figure class="app-chart-figure" aria-labelledby="${esc(chart.id)}-caption"><figcaption class="govuk-heading-s" id="${esc(chart.id)}-caption">${esc(chart.title)}</figcaption><div class="app-chart-scroll">${chartSvg(chart)}</div>${chartTableHtml(chart)}</figure>`;
}

/** Words for a shape, for keys in text formats. */
export function shapeWord(rag: Rag): string {
  return SHAPE_WORD[RAG_SHAPES[rag]];
}

/** The chart's words and numbers with their places (SVG units), for formats that draw the PNG. */
export function chartLabels(
  chart: BarChart,
): { text: string; x: number; baseline: number; anchor: 'start' | 'end' }[] {
  const l = layout(chart);
  const out: ReturnType<typeof chartLabels> = [];
  for (const r of l.rows) {
    out.push({
      text: truncate(r.label, 26),
      x: r.shape && r.colour ? LABEL_W - 14 : LABEL_W,
      baseline: r.y + BAR_H / 2 + 4,
      anchor: 'end',
    });
  }
  if (chart.layout === 'grouped') {
    for (const b of l.bars)
      out.push({
        text: String(b.value),
        x: b.x + b.w + 4,
        baseline: b.y + b.h - 3,
        anchor: 'start',
      });
  } else {
    for (const r of l.rows) {
      const end = l.bars.filter((b) => b.y === r.y).reduce((x, b) => Math.max(x, b.x + b.w), BAR_X);
      out.push({ text: String(r.total), x: end + 4, baseline: r.y + BAR_H - 3, anchor: 'start' });
    }
  }
  for (const g of l.legend)
    out.push({ text: g.label, x: g.x + 22, baseline: g.y + 12, anchor: 'start' });
  return out;
}

// ------------------------------------------------------------------------------------------
// PNG: the same bars and shapes without labels (Word carries the alternative text and the data
// table). Drawn at twice the SVG's size so it stays sharp when printed.

const PNG_SCALE = 2;

function hex(colour: string): [number, number, number] {
  const n = parseInt(colour.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

class Canvas {
  readonly png: PNG;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.png = new PNG({ width, height });
    this.png.data.fill(255);
  }
  set(x: number, y: number, rgb: [number, number, number]) {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (this.width * y + x) << 2;
    this.png.data[i] = rgb[0];
    this.png.data[i + 1] = rgb[1];
    this.png.data[i + 2] = rgb[2];
    this.png.data[i + 3] = 255;
  }
  rect(x: number, y: number, w: number, h: number, rgb: [number, number, number]) {
    for (let j = y; j < y + h; j++) for (let i = x; i < x + w; i++) this.set(i, j, rgb);
  }
  frame(x: number, y: number, w: number, h: number, t: number, rgb: [number, number, number]) {
    this.rect(x, y, w, t, rgb);
    this.rect(x, y + h - t, w, t, rgb);
    this.rect(x, y, t, h, rgb);
    this.rect(x + w - t, y, t, h, rgb);
  }
  hatch(x: number, y: number, w: number, h: number, rgb: [number, number, number]) {
    for (let j = y; j < y + h; j++)
      for (let i = x; i < x + w; i++) if ((i + j) % 12 < 5) this.set(i, j, rgb);
  }
  shape(shape: Shape, cx: number, cy: number, r: number, rgb: [number, number, number]) {
    for (let j = -r; j <= r; j++) {
      for (let i = -r; i <= r; i++) {
        let inside = false;
        switch (shape) {
          case 'circle':
            inside = i * i + j * j <= r * r;
            break;
          case 'square':
            inside = true;
            break;
          case 'diamond':
            inside = Math.abs(i) + Math.abs(j) <= r;
            break;
          case 'triangle':
            // Apex at the top, base at the bottom.
            inside = Math.abs(i) <= (j + r) / 2;
            break;
          case 'cross':
            inside = Math.abs(Math.abs(i) - Math.abs(j)) <= 1.5;
            break;
        }
        if (inside) this.set(cx + i, cy + j, rgb);
      }
    }
  }
}

export function chartPng(chart: BarChart): { png: Buffer; width: number; height: number } {
  const l = layout(chart);
  const s = PNG_SCALE;
  const canvas = new Canvas(WIDTH * s, l.height * s);
  const black = hex('#0b0c0c');
  const white: [number, number, number] = [255, 255, 255];
  canvas.rect(BAR_X * s, (TOP - 4) * s, s, ((l.legend[0]?.y ?? l.height) - TOP) * s, black);
  for (const r of l.rows) {
    if (r.shape && r.colour)
      canvas.shape(r.shape, (LABEL_W - 2) * s, (r.y + BAR_H / 2) * s, 6 * s, hex(r.colour));
  }
  for (const b of l.bars) {
    if (b.w <= 0) continue;
    const rgb = hex(b.colour);
    if (b.hatched) {
      canvas.hatch(b.x * s, b.y * s, b.w * s, b.h * s, black);
      canvas.frame(b.x * s, b.y * s, b.w * s, b.h * s, 2 * s, rgb);
    } else {
      canvas.rect(b.x * s, b.y * s, b.w * s, b.h * s, rgb);
      canvas.frame(b.x * s, b.y * s, b.w * s, b.h * s, 1, white);
    }
    if (b.shape && b.w >= 16)
      canvas.shape(b.shape, (b.x + 8) * s, (b.y + b.h / 2) * s, 5 * s, white);
  }
  for (const g of l.legend) {
    const rgb = hex(g.colour);
    if (g.hatched) {
      canvas.hatch(g.x * s, g.y * s, 16 * s, 16 * s, black);
      canvas.frame(g.x * s, g.y * s, 16 * s, 16 * s, 2 * s, rgb);
    } else if (g.shape) canvas.shape(g.shape, (g.x + 8) * s, (g.y + 8) * s, 7 * s, rgb);
    else canvas.rect(g.x * s, g.y * s, 16 * s, 16 * s, rgb);
  }
  // One filter and RGB output: the picture is flat colour, so trying every filter gains nothing.
  const png = PNG.sync.write(canvas.png, { colorType: 2, filterType: 1 });
  return { png, width: WIDTH, height: l.height };
}
