/**
 * The editable Word paper. Section headings use Word's own Heading 1 and Heading 2 styles and
 * paragraphs are numbered 1.1, 1.2 … with Word's multi-level numbering (so an officer who adds a
 * paragraph gets the numbers updated for them). Tables repeat their header row on every page and
 * never split a row; charts are PNG images with alternative text, each followed by its data table.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  HeadingLevel,
  ImageRun,
  LevelFormat,
  Packer,
  PageNumber,
  PageOrientation,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type FileChild,
  type IRunOptions,
} from 'docx';
import type { ReportSnapshot } from '../report.types.js';
import { chartPng, chartTable, type BarChart } from './charts.js';
import { buildReportDocument, type Block, type TableBlock } from './document.js';
import { xmlSafe } from './format.js';

/** A run of text; typed so its options are never read as a plain string's. */
function run(options: IRunOptions): TextRun {
  return new TextRun(options);
}

const NUMBERING = 'report-numbering';
const BULLETS = 'report-bullets';
/** A4 in twentieths of a point, with 2 cm margins. */
const A4 = { width: 11906, height: 16838 };
const MARGIN = 1134;
const TEXT_WIDTH_PX = Math.round(((A4.width - 2 * MARGIN) / 1440) * 96);

const BORDER = { style: BorderStyle.SINGLE, size: 4, color: '505A5F' };
const TABLE_BORDERS = {
  top: BORDER,
  bottom: BORDER,
  left: BORDER,
  right: BORDER,
  insideHorizontal: BORDER,
  insideVertical: BORDER,
};

function cell(text: string, options: { header?: boolean; numeric?: boolean }) {
  return new TableCell({
    ...(options.header
      ? { shading: { type: ShadingType.CLEAR, color: 'auto', fill: 'F3F2F1' } }
      : {}),
    children: [
      new Paragraph({
        ...(options.numeric ? { alignment: AlignmentType.RIGHT } : {}),
        children: [run({ text: xmlSafe(text), bold: options.header ?? false, size: 20 })],
      }),
    ],
  });
}

function tableOf(t: {
  caption: string;
  head: string[];
  rows: string[][];
  numeric?: number[];
  widths?: number[];
}): FileChild[] {
  const numeric = new Set(t.numeric ?? []);
  const weights = t.widths ?? t.head.map(() => 1);
  const sum = weights.reduce((a, b) => a + b, 0);
  const widths = weights.map((w) => Math.round((w / sum) * (A4.width - 2 * MARGIN)));
  const caption = new Paragraph({
    keepNext: true,
    spacing: { before: 160, after: 80 },
    children: [run({ text: xmlSafe(t.caption), bold: true })],
  });
  const header = new TableRow({
    tableHeader: true,
    cantSplit: true,
    children: t.head.map((h, i) => cell(h, { header: true, numeric: numeric.has(i) })),
  });
  const rows = t.rows.map(
    (r) =>
      new TableRow({
        cantSplit: true,
        children: r.map((c, i) => cell(c, { header: i === 0, numeric: numeric.has(i) })),
      }),
  );
  return [
    caption,
    new Table({
      width: { size: 100, type: WidthType.PERCENTAGE },
      columnWidths: widths,
      borders: TABLE_BORDERS,
      margins: { top: 40, bottom: 40, left: 80, right: 80 },
      rows: [header, ...rows],
    }),
    new Paragraph({ children: [] }),
  ];
}

function chartOf(chart: BarChart): FileChild[] {
  const { png, width, height } = chartPng(chart);
  const w = Math.min(TEXT_WIDTH_PX, width);
  return [
    new Paragraph({
      keepNext: true,
      spacing: { before: 160, after: 80 },
      children: [run({ text: xmlSafe(chart.title), bold: true })],
    }),
    new Paragraph({
      keepNext: true,
      children: [
        new ImageRun({
          type: 'png',
          data: png,
          transformation: { width: w, height: Math.round((height * w) / width) },
          altText: {
            name: chart.title,
            title: chart.title,
            description: xmlSafe(chart.description),
          },
        }),
      ],
    }),
    ...tableOf(chartTable(chart)),
  ];
}

function blockOf(b: Block): FileChild[] {
  switch (b.kind) {
    case 'heading':
      return b.level === 2
        ? [
            new Paragraph({
              heading: HeadingLevel.HEADING_1,
              numbering: { reference: NUMBERING, level: 0 },
              children: [new TextRun(xmlSafe(b.text))],
            }),
          ]
        : [
            new Paragraph({
              heading: HeadingLevel.HEADING_2,
              children: [new TextRun(xmlSafe(b.text))],
            }),
          ];
    case 'para':
      return [
        new Paragraph({
          ...(b.number ? { numbering: { reference: NUMBERING, level: 1 } } : {}),
          spacing: { after: 160 },
          children: [new TextRun(xmlSafe(b.text))],
        }),
      ];
    case 'list':
      return b.items.map(
        (item) =>
          new Paragraph({
            numbering: { reference: BULLETS, level: 0 },
            spacing: { after: 80 },
            children: [new TextRun(xmlSafe(item))],
          }),
      );
    case 'table':
      return tableOf(b satisfies TableBlock);
    case 'chart':
      return chartOf(b.chart);
  }
}

export async function renderReportDocx(snapshot: ReportSnapshot): Promise<Buffer> {
  const doc = buildReportDocument(snapshot);
  const children: FileChild[] = [];
  for (const line of doc.kicker) {
    children.push(
      new Paragraph({
        spacing: { after: 80 },
        children: [run({ text: xmlSafe(line.toUpperCase()), bold: true })],
      }),
    );
  }
  children.push(
    new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(xmlSafe(doc.title))] }),
  );
  for (const f of doc.facts) {
    children.push(
      new Paragraph({
        spacing: { after: 60 },
        children: [run({ text: `${f.label}: `, bold: true }), new TextRun(xmlSafe(f.value))],
      }),
    );
  }
  for (const b of doc.blocks) children.push(...blockOf(b));

  const document = new Document({
    title: xmlSafe(doc.title),
    creator: xmlSafe(snapshot.organisation.name),
    lastModifiedBy: xmlSafe(snapshot.organisation.name),
    subject: xmlSafe(snapshot.strategy.title),
    description: `Progress as at ${snapshot.asAt}`,
    styles: {
      default: {
        document: { run: { font: 'Arial', size: 24 } },
        title: { run: { font: 'Arial', size: 40, bold: true, color: '0B0C0C' } },
        heading1: {
          run: { font: 'Arial', size: 32, bold: true, color: '0B0C0C' },
          paragraph: { spacing: { before: 360, after: 160 }, keepNext: true },
        },
        heading2: {
          run: { font: 'Arial', size: 28, bold: true, color: '0B0C0C' },
          paragraph: { spacing: { before: 240, after: 120 }, keepNext: true },
        },
      },
    },
    numbering: {
      config: [
        {
          reference: NUMBERING,
          levels: [
            {
              level: 0,
              format: LevelFormat.DECIMAL,
              text: '%1.',
              alignment: AlignmentType.LEFT,
              style: { paragraph: { indent: { left: 567, hanging: 567 } } },
            },
            {
              level: 1,
              format: LevelFormat.DECIMAL,
              text: '%1.%2',
              alignment: AlignmentType.LEFT,
              style: { paragraph: { indent: { left: 567, hanging: 567 } } },
            },
          ],
        },
        {
          reference: BULLETS,
          levels: [
            {
              level: 0,
              format: LevelFormat.BULLET,
              text: '•',
              alignment: AlignmentType.LEFT,
              style: { paragraph: { indent: { left: 1134, hanging: 283 } } },
            },
          ],
        },
      ],
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: A4.width, height: A4.height, orientation: PageOrientation.PORTRAIT },
            margin: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
          },
        },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [
                  run({
                    children: ['Page ', PageNumber.CURRENT, ' of ', PageNumber.TOTAL_PAGES],
                    size: 18,
                  }),
                ],
              }),
            ],
          }),
        },
        children,
      },
    ],
  });
  return Packer.toBuffer(document);
}
