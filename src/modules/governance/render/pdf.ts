/**
 * The PDF, written without a browser. It is tagged for screen readers: a structure tree of
 * headings (H1–H3), paragraphs, lists, tables (TR/TH/TD, header cells scoped to their column) and
 * figures with alternative text. Page furniture (page numbers, table rules, header rows repeated
 * on later pages) is marked as artifacts so it is not read twice. The font is embedded from the
 * dejavu-fonts-ttf package, never fetched.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import type { ReportSnapshot } from '../report.types.js';
import { chartLabels, chartPng, chartTable, type BarChart } from './charts.js';
import { buildReportDocument, type TableBlock } from './document.js';

const require = createRequire(import.meta.url);

let fonts: { regular: Buffer; bold: Buffer } | null = null;
function loadFonts() {
  fonts ??= {
    regular: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')),
    bold: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf')),
  };
  return fonts;
}

const MARGIN = 56;
const BODY = 10;
const SMALL = 8;
const INK = '#0b0c0c';

type Doc = PDFKit.PDFDocument;
type Struct = PDFKit.PDFStructureElement;

class Writer {
  readonly left = MARGIN;
  readonly width: number;
  constructor(
    readonly doc: Doc,
    readonly root: Struct,
  ) {
    this.width = doc.page.width - 2 * MARGIN;
  }

  get bottom(): number {
    return this.doc.page.height - MARGIN;
  }

  /** Starts a new page unless `height` more points fit on this one. */
  ensure(height: number) {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  element(parent: Struct, type: string, options?: PDFKit.Mixins.StructureElementOptions): Struct {
    const el = this.doc.struct(type, options ?? {});
    parent.add(el);
    return el;
  }

  /** Drawing that is not content (rules, backgrounds, page numbers). */
  artifact(draw: () => void) {
    this.doc.markContent('Artifact', { type: 'Layout' });
    draw();
    this.doc.endMarkedContent();
  }

  heading(type: 'H1' | 'H2' | 'H3', text: string, size: number) {
    this.ensure(size * 4);
    const el = this.element(this.root, type);
    el.add(() => {
      this.doc
        .font('Bold')
        .fontSize(size)
        .fillColor(INK)
        .text(text, this.left, this.doc.y, { width: this.width });
    });
    el.end();
    this.doc.moveDown(0.4);
  }

  para(text: string, number: string | null, options: { bold?: boolean } = {}) {
    const doc = this.doc;
    doc.font(options.bold ? 'Bold' : 'Body').fontSize(BODY);
    this.ensure(doc.currentLineHeight(true) * 2);
    const el = this.element(this.root, 'P');
    el.add(() => {
      const y = doc.y;
      if (number) {
        // The space keeps "1.1" and the first word apart when the text is read out or copied.
        doc.text(`${number} `, this.left, y, { width: 36, lineBreak: false });
        doc.text(text, this.left + 36, y, { width: this.width - 36 });
      } else {
        doc.text(text, this.left, y, { width: this.width });
      }
    });
    el.end();
    doc.moveDown(0.5);
  }

  list(items: string[]) {
    const doc = this.doc;
    const list = this.element(this.root, 'L');
    doc.font('Body').fontSize(BODY);
    for (const item of items) {
      this.ensure(doc.currentLineHeight(true) * 2);
      const li = this.element(list, 'LI');
      const y = doc.y;
      const label = this.element(li, 'Lbl');
      label.add(() => doc.text('• ', this.left + 40, y, { width: 14, lineBreak: false }));
      label.end();
      const body = this.element(li, 'LBody');
      body.add(() => doc.text(item, this.left + 54, y, { width: this.width - 54 }));
      body.end();
      li.end();
      doc.moveDown(0.2);
    }
    list.end();
    doc.moveDown(0.4);
  }

  /** A table that breaks across pages between rows, repeating its header row on each new page. */
  table(t: {
    caption: string;
    head: string[];
    rows: string[][];
    numeric?: number[];
    widths?: number[];
  }) {
    const doc = this.doc;
    const pad = 3;
    const numeric = new Set(t.numeric ?? []);
    const weights = t.widths ?? t.head.map(() => 1);
    const sum = weights.reduce((a, b) => a + b, 0);
    const widths = weights.map((w) => (w / sum) * this.width);
    const xs = widths.map((_w, i) => this.left + widths.slice(0, i).reduce((a, b) => a + b, 0));
    const rowHeight = (cells: string[], bold: boolean) => {
      doc.font(bold ? 'Bold' : 'Body').fontSize(SMALL);
      let h = 0;
      cells.forEach((c, i) => {
        h = Math.max(h, doc.heightOfString(c || ' ', { width: (widths[i] ?? 40) - 2 * pad }));
      });
      return h + 2 * pad;
    };
    const headHeight = rowHeight(t.head, true);

    const table = this.element(this.root, 'Table');
    doc.font('Bold').fontSize(BODY);
    this.ensure(
      doc.currentLineHeight(true) + headHeight + rowHeight(t.rows[0] ?? t.head, false) + 8,
    );
    const caption = this.element(table, 'Caption');
    caption.add(() => doc.text(t.caption, this.left, doc.y, { width: this.width }));
    caption.end();
    doc.moveDown(0.2);

    const drawRowCells = (
      cells: string[],
      y: number,
      h: number,
      kind: 'head' | 'body',
      tr: Struct | null,
    ) => {
      this.artifact(() => {
        if (kind === 'head') doc.rect(this.left, y, this.width, h).fill('#f3f2f1');
        doc.lineWidth(0.5).strokeColor('#505a5f');
        doc.rect(this.left, y, this.width, h).stroke();
        for (const x of xs.slice(1))
          doc
            .moveTo(x, y)
            .lineTo(x, y + h)
            .stroke();
      });
      doc.fillColor(INK);
      cells.forEach((c, i) => {
        const header = kind === 'head' || i === 0;
        const draw = () => {
          doc.font(kind === 'head' ? 'Bold' : 'Body').fontSize(SMALL);
          doc.text(c, (xs[i] ?? this.left) + pad, y + pad, {
            width: (widths[i] ?? 40) - 2 * pad,
            align: numeric.has(i) ? 'right' : 'left',
          });
        };
        if (tr) {
          // The scope tells a screen reader which cells a header cell names (pdfkit supports it;
          // its type definitions do not list it yet).
          const options = header ? { scope: kind === 'head' ? 'Column' : 'Row' } : {};
          const el = this.element(
            tr,
            header ? 'TH' : 'TD',
            options as PDFKit.Mixins.StructureElementOptions,
          );
          el.add(draw);
          el.end();
        } else {
          this.artifact(draw);
        }
      });
      doc.y = y + h;
    };

    // The first header row is content; repeats on later pages are pagination artifacts.
    const thead = this.element(table, 'THead');
    const headRow = this.element(thead, 'TR');
    drawRowCells(t.head, doc.y, headHeight, 'head', headRow);
    headRow.end();
    thead.end();
    const tbody = this.element(table, 'TBody');
    for (const r of t.rows) {
      const h = rowHeight(r, false);
      if (doc.y + h > this.bottom) {
        doc.addPage();
        drawRowCells(t.head, doc.y, headHeight, 'head', null);
      }
      const tr = this.element(tbody, 'TR');
      drawRowCells(r, doc.y, h, 'body', tr);
      tr.end();
    }
    tbody.end();
    table.end();
    doc.x = this.left;
    doc.moveDown(1);
  }

  /** The chart's picture with its words drawn over it; the figure's alternative text says it all. */
  figure(chart: BarChart) {
    const { png, width, height } = chartPng(chart);
    const w = Math.min(this.width, width * 0.78);
    const scale = w / width;
    const h = height * scale;
    this.ensure(h + 10);
    const doc = this.doc;
    const fig = this.element(this.root, 'Figure', { alt: chart.description });
    const x0 = this.left;
    const y0 = doc.y;
    fig.add(() => {
      doc.image(png, x0, y0, { width: w, height: h });
    });
    fig.end();
    this.artifact(() => {
      doc
        .font('Body')
        .fontSize(11 * scale)
        .fillColor(INK);
      for (const label of chartLabels(chart)) {
        const textWidth = doc.widthOfString(label.text);
        const x = x0 + label.x * scale - (label.anchor === 'end' ? textWidth : 0);
        doc.text(label.text, x, y0 + label.baseline * scale - 9.5 * scale, { lineBreak: false });
      }
    });
    doc.y = y0 + h + 6;
    doc.x = this.left;
  }
}

export async function renderReportPdf(snapshot: ReportSnapshot): Promise<Buffer> {
  const { regular, bold } = loadFonts();
  const model = buildReportDocument(snapshot);
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    tagged: true,
    lang: 'en-GB',
    displayTitle: true,
    pdfVersion: '1.7',
    bufferPages: true,
    // No default font: pdfkit would otherwise load Helvetica, and a Buffer here is re-opened on
    // every page a text run flows onto. The embedded DejaVu fonts are registered below.
    font: '',
    info: {
      Title: model.title,
      Author: snapshot.organisation.name,
      Subject: snapshot.strategy.title,
      Creator: 'Waymark',
      CreationDate: new Date(`${snapshot.asAt}T00:00:00Z`),
      ModDate: new Date(`${snapshot.asAt}T00:00:00Z`),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.registerFont('Body', regular);
  doc.registerFont('Bold', bold);
  doc.font('Body');
  const root = doc.struct('Document');
  doc.addStructure(root);
  const w = new Writer(doc, root);

  for (const line of model.kicker) w.para(line.toUpperCase(), null, { bold: true });
  w.heading('H1', model.title, 18);
  for (const f of model.facts) w.para(`${f.label}: ${f.value}`, null);
  doc.moveDown(0.5);

  for (const b of model.blocks) {
    switch (b.kind) {
      case 'heading':
        if (b.level === 2) {
          const text = `${b.number ? `${b.number}. ` : ''}${b.text}`;
          doc.outline.addItem(text);
          w.heading('H2', text, 14);
        } else w.heading('H3', b.text, 12);
        break;
      case 'para':
        w.para(b.text, b.number);
        break;
      case 'list':
        w.list(b.items);
        break;
      case 'table':
        w.table(b satisfies TableBlock);
        break;
      case 'chart': {
        w.heading('H3', b.chart.title, 11);
        w.figure(b.chart);
        w.table(chartTable(b.chart));
        break;
      }
    }
  }
  root.end();

  // Page numbers, once every page exists.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottomMargin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.markContent('Artifact', { type: 'Pagination' });
    doc
      .font('Body')
      .fontSize(SMALL)
      .fillColor(INK)
      .text(`Page ${i + 1} of ${range.count}`, MARGIN, doc.page.height - MARGIN / 2 - SMALL, {
        width: doc.page.width - 2 * MARGIN,
        align: 'center',
        lineBreak: false,
      });
    doc.endMarkedContent();
    doc.page.margins.bottom = bottomMargin;
  }
  doc.end();
  return done;
}
