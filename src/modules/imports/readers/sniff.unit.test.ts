import { describe, expect, it } from 'vitest';
import {
  buildOldDoc,
  buildOldXls,
  buildPasswordProtectedXlsx,
  buildPdf,
  buildPngNamedXlsx,
  buildUtf16Csv,
  encodeWindows1252,
} from '../../../../test/fixtures/imports/index.js';
import { decodeText, decodeWindows1252, oleContents, sniff } from './sniff.js';

describe('telling what a file is from its bytes', () => {
  it.each([
    ['a zip', Buffer.from('PK\u0003\u0004rest', 'latin1'), { kind: 'zip' }],
    ['an OLE file', buildOldXls(), { kind: 'ole' }],
    ['text', Buffer.from('Ref,Action\n1,Do\n'), { kind: 'text' }],
    ['UTF-16 text', buildUtf16Csv(), { kind: 'text' }],
  ])('knows %s', (_name, bytes, expected) => {
    expect(sniff(bytes)).toEqual(expected);
  });

  it.each([
    ['a PDF document', buildPdf()],
    ['a PNG image', buildPngNamedXlsx()],
    ['a JPEG image', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10])],
    ['a GIF image', Buffer.from('GIF89a\u0001\u0000', 'latin1')],
    ['a WebP image', Buffer.from('RIFF\u0000\u0000\u0000\u0000WEBPVP8 ', 'latin1')],
    ['a TIFF image', Buffer.from([0x49, 0x49, 0x2a, 0x00, 8, 0])],
    [
      'a phone photo (HEIC or AVIF image)',
      Buffer.from('\u0000\u0000\u0000\u0018ftypheic', 'latin1'),
    ],
    ['a compressed archive', Buffer.from([0x1f, 0x8b, 8, 0])],
    ['a Rich Text Format (.rtf) document', Buffer.from('{\\rtf1\\ansi Plan}')],
    [
      'a web page (HTML)',
      Buffer.from('  <!DOCTYPE html><html><body><table></table></body></html>'),
    ],
    ['not a document Waymark recognises', Buffer.from([1, 2, 3, 0, 5, 6])],
  ])('names %s', (what, bytes) => {
    expect(sniff(bytes)).toMatchObject({ kind: 'other', what });
  });

  it('tells what an OLE file holds', () => {
    expect(oleContents(buildPasswordProtectedXlsx())).toBe('encrypted');
    expect(oleContents(buildOldXls())).toBe('xls');
    expect(oleContents(buildOldDoc())).toBe('doc');
    expect(oleContents(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))).toBe(
      'unknown',
    );
  });
});

describe('decoding text files', () => {
  it('reads UTF-8 with and without a byte order mark', () => {
    expect(decodeText(Buffer.from('\ufeff£7,000 – agreed', 'utf8'))).toEqual({
      text: '£7,000 – agreed',
      encoding: 'utf-8',
    });
    expect(decodeText(Buffer.from('£7,000', 'utf8'))).toEqual({
      text: '£7,000',
      encoding: 'utf-8',
    });
  });

  it('reads UTF-16 in either byte order', () => {
    expect(decodeText(buildUtf16Csv())).toEqual({
      text: 'Ref,Action,Resources\r\n3.1,Buy 40 laptops,"£24,000"\r\n',
      encoding: 'utf-16le',
    });
    const be = Buffer.from('£1 – ok', 'utf16le').swap16();
    expect(decodeText(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toEqual({
      text: '£1 – ok',
      encoding: 'utf-16be',
    });
  });

  it('falls back to Windows-1252, with its quotes, dashes, bullets and euro', () => {
    const bytes = encodeWindows1252('£5 – the council’s “plan” • €3');
    expect(bytes.includes(0xa3)).toBe(true);
    expect(decodeText(bytes)).toEqual({
      text: '£5 – the council’s “plan” • €3',
      encoding: 'windows-1252',
    });
    expect(decodeWindows1252(Buffer.from([0x80, 0x85, 0x99, 0xe9]))).toBe('€…™é');
  });
});
