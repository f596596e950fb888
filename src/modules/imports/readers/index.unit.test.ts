import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { ImportRefusedError } from '../import.types.js';
import * as fixtures from '../../../../test/fixtures/imports/index.js';
import { DEFAULT_ZIP_LIMITS, formatMegabytes, readSource } from './index.js';
import { SAMPLES } from '../../../../test/helpers/samples.js';

const MB = 1024 * 1024;
const limits = { maxBytes: 10 * MB };

async function refused(
  bytes: Buffer,
  name: string,
  contentType?: string,
): Promise<ImportRefusedError> {
  const error = await readSource(
    { bytes, name, ...(contentType ? { contentType } : {}) },
    limits,
  ).catch((e: unknown) => e);
  if (!(error instanceof ImportRefusedError))
    throw new Error(`expected a refusal, got ${String(error)}`);
  return error;
}

async function zipOf(files: Record<string, string>): Promise<Buffer> {
  const zip = new JSZip();
  for (const [path, content] of Object.entries(files)) zip.file(path, content);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

describe('reading an uploaded file by what it really is', () => {
  it('reads workbooks, documents, CSV and text files', async () => {
    const read = async (bytes: Buffer, name: string, contentType?: string) =>
      (await readSource({ bytes, name, ...(contentType ? { contentType } : {}) }, limits)).format;
    expect(await read(await fixtures.buildActionPlanXlsx(), 'Plan.XLSX')).toBe('xlsx');
    expect(await read(await fixtures.buildActionPlanDocx(), 'strategy.docx')).toBe('docx');
    expect(await read(fixtures.buildCommaCsvUtf8Bom(), 'plan.csv')).toBe('csv');
    expect(await read(fixtures.buildSemicolonCsvWindows1252(), 'plan.csv')).toBe('csv');
    expect(await read(fixtures.buildUtf16Csv(), 'plan.csv')).toBe('csv');
    // No name to go by: the content decides.
    expect(await read(await fixtures.buildActionPlanXlsx(), 'upload')).toBe('xlsx');
    expect(await read(fixtures.buildCommaCsvUtf8Bom(), 'upload', 'text/csv')).toBe('csv');
  });

  it('sends tab-separated text to the text reader and regular delimited text to the CSV reader', async () => {
    const tabbed = await readSource(
      { bytes: fixtures.buildTabSeparatedText(), name: 'plan.txt' },
      limits,
    );
    expect(tabbed).toMatchObject({ format: 'text', name: 'plan.txt' });
    const delimited = await readSource(
      { bytes: Buffer.from('Ref;Action\n1.1;Agree\n1.2;Publish\n'), name: 'plan.txt' },
      limits,
    );
    expect(delimited.format).toBe('csv');
    const prose = await readSource(
      { bytes: Buffer.from('ICT strategy\nThis sets out our plans.\n'), name: 'plan.txt' },
      limits,
    );
    expect(prose.format).toBe('text');
    const commasWithATab = await readSource(
      {
        bytes: Buffer.from('Ref,Action,Lead\n1.1,Agree\tthe policy,ICT\n1.2,Publish,ICT\n'),
        name: 'plan.txt',
      },
      limits,
    );
    expect(commasWithATab.format).toBe('csv');
    // A CSV file saved with tabs is still CSV.
    const tsvCsv = await readSource(
      { bytes: Buffer.from('Ref\tAction\n1.1\tAgree\n'), name: 'plan.csv' },
      limits,
    );
    expect(tsvCsv.format).toBe('csv');
  });

  it('reads pasted text with the text reader', async () => {
    const doc = await readSource(
      { text: '\ufeffRef\tAction\n1.1\tAgree the policy\n', name: 'pasted text' },
      limits,
    );
    expect(doc).toMatchObject({ format: 'text', name: 'pasted text' });
  });
});

describe('refusing files that cannot be imported, saying why and what to do', () => {
  it('refuses empty files and empty pasted text', async () => {
    expect(await refused(fixtures.buildEmptyFile(), 'plan.xlsx')).toMatchObject({
      code: 'empty',
      message:
        '‘plan.xlsx’ is empty (0 bytes). Check that the file was saved properly, then upload it again.',
    });
    expect(await refused(Buffer.from(' \r\n\t\n'), 'plan.csv')).toMatchObject({ code: 'empty' });
    await expect(readSource({ text: '  \n', name: 'pasted text' }, limits)).rejects.toMatchObject({
      code: 'empty',
    });
  });

  it('refuses files over the size limit, giving both sizes', async () => {
    const error = await refused(Buffer.alloc(Math.round(14.2 * MB), 0x41), 'big.xlsx');
    expect(error.code).toBe('too-large');
    expect(error.message).toMatch(
      /^The file is 14\.2 MB; the largest Waymark can import is 10 MB\. /,
    );
    await expect(
      readSource({ text: 'a'.repeat(2 * MB), name: 'pasted text' }, { maxBytes: MB }),
    ).rejects.toMatchObject({
      code: 'too-large',
      message: expect.stringContaining(
        'The pasted text is 2 MB; the largest Waymark can import is 1 MB.',
      ),
    });
    expect(formatMegabytes(1.5 * MB)).toBe('1.5 MB');
  });

  it('refuses a picture named as a workbook, naming what it is', async () => {
    const error = await refused(fixtures.buildPngNamedXlsx(), 'plan.xlsx');
    expect(error.code).toBe('wrong-type');
    expect(error.message).toBe(
      'Waymark cannot import ‘plan.xlsx’. It is named as an Excel workbook, but it is a PNG image. A picture of a table cannot be imported. Save the action plan as an Excel workbook (.xlsx), a Word document (.docx) or a CSV file, or copy the table and paste it as text.',
    );
  });

  it('refuses a PDF', async () => {
    const error = await refused(fixtures.buildPdf(), 'plan.pdf');
    expect(error.code).toBe('wrong-type');
    expect(error.message).toContain('It is a PDF document.');
  });

  it('refuses a damaged workbook', async () => {
    const error = await refused(await fixtures.buildTruncatedXlsx(), 'plan.xlsx');
    expect(error.code).toBe('corrupt');
    expect(error.message).toContain('looks like an Excel workbook but it is damaged or incomplete');
  });

  it('refuses password-protected files and older Office formats, each with its own advice', async () => {
    expect(await refused(fixtures.buildPasswordProtectedXlsx(), 'plan.xlsx')).toMatchObject({
      code: 'password-protected',
      message: expect.stringContaining('‘plan.xlsx’ is protected with a password'),
    });
    expect(await refused(fixtures.buildOldXls(), 'plan.xls')).toMatchObject({
      code: 'wrong-type',
      message: expect.stringContaining('older Excel 97–2003 workbook (.xls)'),
    });
    expect(await refused(fixtures.buildOldDoc(), 'plan.doc')).toMatchObject({
      code: 'wrong-type',
      message: expect.stringContaining('older Word 97–2003 document (.doc)'),
    });
  });

  it('refuses a zip bomb before inflating it, and honours tighter limits', async () => {
    expect(await refused(await fixtures.buildZipBomb(), 'plan.xlsx')).toMatchObject({
      code: 'zip-bomb',
    });
    const workbook = await fixtures.buildActionPlanXlsx();
    await expect(
      readSource(
        { bytes: workbook, name: 'plan.xlsx' },
        { maxBytes: 10 * MB, zip: { ...DEFAULT_ZIP_LIMITS, maxTotalBytes: 1000 } },
      ),
    ).rejects.toMatchObject({ code: 'zip-bomb' });
  });

  it('refuses a file whose name claims one type while it holds another', async () => {
    expect(await refused(await fixtures.buildActionPlanXlsx(), 'strategy.docx')).toMatchObject({
      code: 'wrong-type',
      message:
        'The file ‘strategy.docx’ is named as a Word document but it holds an Excel workbook. Check that you chose the right file. If you did, rename it to end in .xlsx and upload it again.',
    });
    expect(await refused(await fixtures.buildActionPlanDocx(), 'plan.xlsx')).toMatchObject({
      code: 'wrong-type',
      message: expect.stringContaining('named as an Excel workbook but it holds a Word document'),
    });
    expect(await refused(fixtures.buildCommaCsvUtf8Bom(), 'plan.xlsx')).toMatchObject({
      code: 'wrong-type',
      message: expect.stringContaining(
        'named as an Excel workbook but it holds a text or CSV file',
      ),
    });
    expect(await refused(await fixtures.buildActionPlanXlsx(), 'plan.csv')).toMatchObject({
      code: 'wrong-type',
      message: expect.stringContaining(
        'named as a text or CSV file but it holds an Excel workbook',
      ),
    });
  });

  it('refuses other zips: archives, presentations, OpenDocument files, and Office files missing their parts', async () => {
    expect(await refused(await fixtures.buildPlainZip(), 'plans.zip')).toMatchObject({
      code: 'wrong-type',
      message: expect.stringContaining('is a zip archive'),
    });
    const pptx = await zipOf({ '[Content_Types].xml': '<Types/>', 'ppt/presentation.xml': '<p/>' });
    expect(await refused(pptx, 'plan.pptx')).toMatchObject({
      code: 'wrong-type',
      message: expect.stringContaining('PowerPoint'),
    });
    const ods = await zipOf({
      mimetype: 'application/vnd.oasis.opendocument.spreadsheet',
      'content.xml': '<x/>',
    });
    expect(await refused(ods, 'plan.ods')).toMatchObject({
      code: 'wrong-type',
      message: expect.stringContaining('OpenDocument'),
    });
    const hollow = await zipOf({ '[Content_Types].xml': '<Types/>' });
    expect(await refused(hollow, 'plan.xlsx')).toMatchObject({ code: 'corrupt' });
  });
});

describe.runIf(existsSync(SAMPLES))('the real council documents, saved as text', () => {
  it.each(existsSync(SAMPLES) ? readdirSync(SAMPLES).filter((f) => f.endsWith('.txt')) : [])(
    'reads %s with the text reader',
    async (file) => {
      const doc = await readSource(
        { bytes: readFileSync(join(SAMPLES, file)), name: file },
        limits,
      );
      expect(doc.format).toBe('text');
      expect(doc.name).toBe(file);
    },
  );
});
