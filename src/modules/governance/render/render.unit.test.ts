import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import mammoth from 'mammoth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReportDocx, renderReportHtml, renderReportPdf, renderReportXlsx } from './index.js';
import { bigSnapshot, sampleSnapshot } from './sample-snapshot.js';
import { narrativeBlocks } from './document.js';

const run = promisify(execFile);
const snapshot = sampleSnapshot();
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'waymark-render-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('officers’ text', () => {
  it('splits paragraphs on blank lines and turns dashes and bullets into list items', () => {
    expect(narrativeBlocks('One.\nStill one.\n\nTwo:\n- a\n• b\n\nThree.')).toEqual([
      { kind: 'para', text: 'One. Still one.' },
      { kind: 'para', text: 'Two:' },
      { kind: 'list', items: ['a', 'b'] },
      { kind: 'para', text: 'Three.' },
    ]);
  });
});

describe('the web version', () => {
  const html = renderReportHtml(snapshot);

  it('has the title block and numbered sections in the snapshot’s order', () => {
    expect(html).toContain(
      '<h1 class="govuk-heading-xl">ICT Strategy implementation: progress report</h1>',
    );
    expect(html).toContain('Scrutiny Commission – 21 October 2026');
    const headings = [
      ...html.matchAll(
        /<h2 class="govuk-heading-l app-report__section" id="([^"]+)"><span class="app-report__number">(\d+)\.<\/span> ([^<]+)<\/h2>/g,
      ),
    ].map((m) => `${m[2]} ${m[3]}`);
    expect(headings.slice(0, 4)).toEqual([
      '1 Purpose of the report',
      '2 Background',
      '3 Policy framework and previous decisions',
      '4 Progress summary',
    ]);
    expect(headings).toHaveLength(snapshot.sections.length);
    expect(headings.at(-1)).toBe('15 Officers to contact');
  });

  it('numbers paragraphs as councils do: 1.1, 2.1, 2.2 …', () => {
    expect(html).toMatch(
      /<p class="govuk-body app-report__para" id="para-1\.1"><span class="app-report__number">1\.1<\/span> This report updates the Commission/,
    );
    expect(html).toContain('id="para-2.2"');
    expect(html).toContain('<li>the revenues and benefits procurement, which is behind plan</li>');
    expect(html).toContain('The Scrutiny Commission is asked to NOTE this report.');
  });

  it('escapes every piece of text', () => {
    expect(html).not.toContain('<script>');
    expect(html).toContain(
      'the &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; data centre work &amp; its funding',
    );
    expect(html).not.toContain('<b>contract</b>');
    expect(html).toContain('&lt;b&gt;contract&lt;/b&gt;');
  });

  it('gives tables captions and header rows, and charts their data tables, with status in words', () => {
    expect(html).toContain(
      '<caption class="govuk-table__caption govuk-table__caption--s">Actions off track, at risk or overdue</caption>',
    );
    expect(html).toMatch(/<th scope="col" class="govuk-table__header">What is being done<\/th>/);
    expect(html).toContain('Off track (forecast: At risk)');
    expect(html).toMatch(
      /<svg [^>]*role="img"[^>]*aria-labelledby="chart-status-title chart-status-desc"/,
    );
    expect(html).toContain('Data for the chart: Actions by status, now and forecast');
    expect(html).toContain('Data for the chart: Actions by theme and status');
  });

  it('says when a section has nothing to report', () => {
    const quiet = sampleSnapshot(0);
    const body = renderReportHtml({ ...quiet, narrative: {}, previousDecisions: [] });
    expect(body).toContain('No actions are off track, at risk or overdue.');
    expect(body).toContain('No previous decisions about this strategy are recorded.');
    expect(body).toMatch(/id="para-1\.1"><span class="app-report__number">1\.1<\/span> None\./);
  });

  it('leaves out its own <h1> when the page around it has one', () => {
    const body = renderReportHtml(snapshot, { title: false });
    expect(body).not.toContain('<h1');
    expect(body).toContain('Progress as at');
    expect(body).toContain('id="section-purpose"');
  });

  it('marks a draft as not published', () => {
    expect(renderReportHtml({ ...snapshot, published: null })).toContain('Draft: not published');
  });
});

describe('the Word document', () => {
  let buffer: Buffer;
  let html: string;
  let alts: string[];
  beforeAll(async () => {
    buffer = await renderReportDocx(snapshot);
    const result = await mammoth.convertToHtml(
      { buffer },
      { styleMap: ["p[style-name='Title'] => p.title:fresh"] },
    );
    html = result.value;
    alts = [...html.matchAll(/<img[^>]* alt="([^"]*)"/g)].map((m) => m[1] ?? '');
  }, 60_000);

  it('uses Word’s heading styles: Title, Heading 1 for sections, Heading 2 within them', () => {
    expect(html).toContain('<p class="title">ICT Strategy implementation: progress report</p>');
    const h1 = [...html.matchAll(/<h1>([^<]+)<\/h1>/g)].map((m) => m[1]);
    expect(h1.slice(0, 3)).toEqual([
      'Purpose of the report',
      'Background',
      'Policy framework and previous decisions',
    ]);
    expect(h1).toHaveLength(snapshot.sections.length);
    expect(html).toContain('<h2>Changes of status</h2>');
  });

  it('has tables with a header row, and charts as images with alternative text and data', () => {
    expect(html).toMatch(
      /<table><thead><tr><th><p><strong>Ref<\/strong><\/p><\/th><th><p><strong>Action<\/strong><\/p><\/th><th><p><strong>Lead<\/strong>/,
    );
    expect(alts).toHaveLength(2);
    expect(alts[0]).toMatch(
      /^Bar chart of the number of actions in each status\. Now: Not started 4, On track 16/,
    );
    expect(html).toContain('Data for the chart: Actions by status, now and forecast');
    expect(html).toContain('Off track (forecast: At risk)');
  });

  it('is A4 portrait, numbers its paragraphs with Word numbering, repeats header rows and names its author', async () => {
    const zip = await JSZip.loadAsync(buffer);
    const document = await zip.file('word/document.xml')!.async('string');
    expect(document).toMatch(/<w:pgSz w:w="11906" w:h="16838" w:orient="portrait"\/>/);
    expect(document).toContain('<w:tblHeader/>');
    expect(document).toContain('<w:cantSplit/>');
    expect(document).toContain('<w:ilvl w:val="1"/>');
    const numbering = await zip.file('word/numbering.xml')!.async('string');
    expect(numbering).toContain('w:val="%1.%2"');
    const core = await zip.file('docProps/core.xml')!.async('string');
    expect(core).toContain('<dc:title>ICT Strategy implementation: progress report</dc:title>');
    expect(core).toContain('<dc:creator>Northfield District Council</dc:creator>');
    expect(document).not.toContain('<script>');
  });
});

describe('the PDF', () => {
  let file: string;
  beforeAll(async () => {
    file = join(dir, 'report.pdf');
    await writeFile(file, await renderReportPdf(snapshot));
  }, 60_000);

  it('is tagged, in English, titled and authored by the organisation', async () => {
    const { stdout } = await run('pdfinfo', [file]);
    expect(stdout).toMatch(/^Tagged:\s+yes$/m);
    expect(stdout).toMatch(/^Title:\s+ICT Strategy implementation: progress report$/m);
    expect(stdout).toMatch(/^Author:\s+Northfield District Council$/m);
    expect(stdout).toMatch(/^Page size:\s+595\.28 x 841\.89 pts \(A4\)$/m);
    // Each chart is a Figure whose alternative text describes it.
    const raw = (await readFile(file)).toString('latin1');
    expect(raw).toContain('/Alt (Bar chart of the number of actions in each status.');
    expect(raw).toContain('/Lang (en-GB)');
  });

  it('has a structure tree of headings, paragraphs, tables with header cells and figures with alt text', async () => {
    const { stdout } = await run('pdfinfo', ['-struct-text', file], {
      maxBuffer: 32 * 1024 * 1024,
    });
    expect(stdout).toContain('H1');
    expect(stdout).toMatch(/H2[^\n]*\n\s*"1\. Purpose of the report"/);
    expect(stdout).toContain('Table');
    expect(stdout).toContain('TH');
    expect(stdout).toContain('TD');
    expect(stdout).toContain('Figure');
    expect(stdout).toContain('"1.1 This report updates the Commission');
    expect(stdout).toMatch(/Figure/);
  });

  it('carries the text of the report, page numbers and the embedded font', async () => {
    const { stdout } = await run('pdftotext', ['-layout', file, '-'], {
      maxBuffer: 32 * 1024 * 1024,
    });
    expect(stdout).toContain('ICT Strategy implementation: progress report');
    expect(stdout).toMatch(/1\.1\s+This report updates the Commission/);
    expect(stdout).toContain('Actions off track, at risk or overdue');
    expect(stdout).toContain('The Scrutiny Commission is asked to NOTE this report.');
    expect(stdout).toMatch(/Page 1 of \d+/);
    expect(stdout).toContain('the <script>alert("x")</script> data centre work & its funding');
    const fonts = await run('pdffonts', [file]);
    expect(fonts.stdout).toMatch(/DejaVuSans\s/);
    expect(fonts.stdout).toMatch(/DejaVuSans-Bold/);
  });

  it('repeats a long table’s header row on the next page', async () => {
    const big = join(dir, 'big.pdf');
    await writeFile(big, await renderReportPdf(bigSnapshot(200)));
    const { stdout } = await run('pdftotext', ['-layout', big, '-'], {
      maxBuffer: 32 * 1024 * 1024,
    });
    const pages = stdout.split('\f').filter((p) => /Ref\s+Action\s+Lead\s+Status\s+Due/.test(p));
    expect(pages.length).toBeGreaterThan(1);
  }, 60_000);
});

describe('the Excel annex', () => {
  it('lists every action with real dates, status words and a frozen header, and a summary', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await renderReportXlsx(snapshot)) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Summary', 'Actions']);
    const sheet = wb.getWorksheet('Actions')!;
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.getRow(1).getCell(1).value).toBe('Ref');
    expect(sheet.rowCount).toBe(snapshot.actions.length + 1);
    const first = snapshot.actions[0]!;
    const row = sheet.getRow(2);
    expect(row.getCell(1).value).toBe(first.ref);
    expect(row.getCell(2).value).toBe(first.title);
    expect(row.getCell(5).value).toBe(first.statusLabel);
    expect(row.getCell(7).value).toBeInstanceOf(Date);
    expect((row.getCell(7).value as Date).toISOString().slice(0, 10)).toBe(first.due);
    expect(row.getCell(10).value).toBe(first.latest?.happened);
    const summary = wb.getWorksheet('Summary')!;
    const values = summary.getSheetValues().flat().map(String);
    expect(values).toContain('On track');
    expect(values).toContain('Customer access and digital services');
  });
});
