import { describe, expect, it } from 'vitest';
import { attachmentDisposition, checkEvidenceFile, safeFileName } from './evidence.service.js';

const MB = 1024 * 1024;
const bytes = (...parts: (number[] | string)[]) =>
  Buffer.concat(
    parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))),
  );
const check = (fileName: string, data: Buffer, truncated = false) =>
  checkEvidenceFile({ fileName, data, truncated }, MB);

/** The start of an Office file: a ZIP whose first parts name its kind. */
const office = (folder: string) =>
  bytes(
    [0x50, 0x4b, 0x03, 0x04],
    '\x14\x00\x06\x00[Content_Types].xml....',
    `${folder}document.xml`,
  );

describe('evidence files are judged by their content, not their name', () => {
  it.each([
    ['report.pdf', bytes('%PDF-1.7\n%âãÏÓ\n')],
    ['Minutes.DOCX', office('word/')],
    ['budget.xlsx', office('xl/')],
    ['board.pptx', office('ppt/')],
    ['chart.png', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])],
    ['photo.jpg', bytes([0xff, 0xd8, 0xff, 0xe0, 0, 16])],
    ['photo.jpeg', bytes([0xff, 0xd8, 0xff, 0xe1, 0, 16])],
    ['notes.txt', bytes('Meeting held 3 March.\r\nActions agreed.\n')],
    ['costs.csv', bytes('Item,Cost\n"Switches",£12,000\n')],
    ['export.csv', bytes('Caf\xe9,\xa312\n')], // Windows-1252, as Excel saves it
  ])('accepts %s', (name, data) => {
    const result = check(name, data);
    expect(result.ok).toBe(true);
  });

  it.each([
    ['minutes.pdf', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'says it is PDF'],
    ['budget.xlsx', office('word/'), 'says it is Excel (.xlsx)'],
    ['letter.docx', bytes('PK\x03\x04 just a zip of photos'), 'says it is Word (.docx)'],
    ['notes.txt', bytes('MZ\x90\x00\x03\x00\x00\x00'), 'says it is text'],
    ['data.csv', bytes('%PDF-1.4\n'), 'says it is CSV'],
    ['image.png', bytes('%PDF-1.4'), 'says it is PNG'],
    [
      'tool.exe',
      bytes('MZ'),
      'must be a PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), PNG, JPEG, text, CSV file',
    ],
    ['no-extension', bytes('hello'), 'must be a PDF'],
    ['empty.pdf', bytes(''), 'is empty'],
  ])('refuses %s', (name, data, message) => {
    const result = check(name, data);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(message);
  });

  it('refuses a file over the limit, or cut short at it', () => {
    expect(check('big.pdf', Buffer.concat([bytes('%PDF-'), Buffer.alloc(MB)]))).toEqual({
      ok: false,
      message: 'The selected file must be smaller than 1 MB',
    });
    expect(check('big.pdf', bytes('%PDF-'), true).ok).toBe(false);
  });

  it('keeps the type Waymark checked, not the one the browser claimed', () => {
    const result = check('chart.png', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(result.ok && result.type.contentType).toBe('image/png');
  });
});

describe('file names', () => {
  it('drops folders and control characters and keeps the extension of a long name', () => {
    expect(safeFileName('C:\\fakepath\\Report.pdf')).toBe('Report.pdf');
    expect(safeFileName('../../etc/passwd.txt')).toBe('passwd.txt');
    expect(safeFileName('a\u0000b\r\n"c".pdf')).toBe('abc.pdf');
    const long = safeFileName(`${'x'.repeat(300)}.docx`);
    expect(long).toHaveLength(200);
    expect(long.endsWith('.docx')).toBe(true);
  });

  it('sends the name safely in Content-Disposition, with its real spelling encoded', () => {
    expect(attachmentDisposition('Réseau – phase "2".pdf')).toBe(
      `attachment; filename="R_seau _ phase _2_.pdf"; filename*=UTF-8''R%C3%A9seau%20%E2%80%93%20phase%20%222%22.pdf`,
    );
    expect(attachmentDisposition("it's (1).pdf")).toBe(
      `attachment; filename="it's (1).pdf"; filename*=UTF-8''it%27s%20%281%29.pdf`,
    );
  });
});
