import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { ImportRefusedError, type SourceBlock, type SourceCell } from '../import.types.js';
import { buildActionPlanDocx, DOCX_TABLE_HEADER } from '../../../../test/fixtures/imports/index.js';
import { readDocx } from './docx.js';

type Table = Extract<SourceBlock, { kind: 'table' }>;

const line = (text: string, bullet = false, level = 0) => ({ text, bullet, level });
const plain = (text: string): SourceCell => ({ text, lines: text === '' ? [] : [line(text)] });
const spanned: SourceCell = { text: '', lines: [], mergedIntoPrevious: true };
const heading = (level: number, text: string): SourceBlock => ({
  kind: 'heading',
  level,
  text,
  at: {},
});
const para = (text: string, bullet = false, level = 0): SourceBlock => ({
  kind: 'paragraph',
  text,
  bullet,
  level,
  at: {},
});

/** A minimal Word document from hand-written body XML, for what the docx library cannot write. */
async function handmadeDocx(
  body: string,
  parts: { styles?: string; numbering?: string } = {},
): Promise<Buffer> {
  const ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
  const zip = new JSZip();
  zip.file('[Content_Types].xml', '<?xml version="1.0"?><Types/>');
  zip.file(
    'word/document.xml',
    `<?xml version="1.0" encoding="UTF-8"?><w:document ${ns}><w:body>${body}</w:body></w:document>`,
  );
  if (parts.styles)
    zip.file('word/styles.xml', `<?xml version="1.0"?><w:styles ${ns}>${parts.styles}</w:styles>`);
  if (parts.numbering)
    zip.file(
      'word/numbering.xml',
      `<?xml version="1.0"?><w:numbering ${ns}>${parts.numbering}</w:numbering>`,
    );
  return zip.generateAsync({ type: 'nodebuffer' });
}

const p = (text: string, pPr = ''): string =>
  `<w:p>${pPr ? `<w:pPr>${pPr}</w:pPr>` : ''}<w:r><w:t xml:space="preserve">${text}</w:t></w:r></w:p>`;
const tc = (content: string, tcPr = ''): string =>
  `<w:tc>${tcPr ? `<w:tcPr>${tcPr}</w:tcPr>` : ''}${content}</w:tc>`;

describe('reading a Word strategy and action plan', () => {
  it('reads headings, paragraphs and lists in document order', async () => {
    const doc = await readDocx(await buildActionPlanDocx(), 'strategy.docx');
    expect(doc.format).toBe('docx');
    expect(doc.name).toBe('strategy.docx');
    expect(doc.warnings).toEqual([]);
    const tableAt = doc.blocks.findIndex((b) => b.kind === 'table');
    expect(doc.blocks.slice(0, tableAt)).toEqual([
      heading(0, 'Harrowfield Borough Council ICT Strategy 2026 to 2029'),
      para('This strategy sets out how ICT will support the council’s priorities.'),
      heading(1, '1. Connected services'),
      heading(2, 'Vision'),
      para(
        'Residents can reach any council service online, by phone or in person, and are asked for information once.',
      ),
      heading(2, 'Current position'),
      para('Services keep their own contact details and their own systems. In particular:'),
      para('there are six customer contact numbers', true, 0),
      para('three services still take payments by cheque', true, 0),
      para('one of them only on weekdays', true, 1),
      heading(2, 'Getting there'),
      para('We will join up contact handling over the life of this strategy.'),
      heading(1, '2. Secure foundations'),
      heading(2, 'Where we want to be'),
      para('Systems are patched within a fortnight and recover within a day.'),
      heading(2, 'Where we are now'),
      para('Patch level:\tabout 80%\nchecked monthly'),
      heading(2, 'How we will get there'),
      para('1. Replace unsupported servers', true, 0),
      para('1.1 Start with the finance system', true, 1),
      para('2. Test recovery every quarter', true, 0),
      para('See the published plan for details.'),
      heading(1, 'Action plan'),
    ]);
    expect(doc.blocks.slice(tableAt + 1)).toEqual([
      para('Key: CR = Met within current resources; AR = Additional resources needed'),
    ]);
  });

  it('reads the action plan table: header, theme rows across all columns, paragraphs and bullets in cells', async () => {
    const doc = await readDocx(await buildActionPlanDocx(), 'strategy.docx');
    const table = doc.blocks.find((b): b is Table => b.kind === 'table');
    expect(table?.at).toEqual({ table: 1 });
    expect(table?.rows.map((r) => r.at)).toEqual(
      [1, 2, 3, 4, 5, 6, 7].map((row) => ({ table: 1, row })),
    );
    const [header, theme1, a11, a12, a13, theme2, a21] = table?.rows ?? [];
    expect(header?.cells).toEqual(DOCX_TABLE_HEADER.map(plain));
    expect(theme1?.cells).toEqual([
      plain('Theme 1: Connected services'),
      ...Array.from({ length: 6 }, () => spanned),
    ]);
    expect(theme2?.cells).toEqual([
      plain('Theme 2: Secure foundations'),
      ...Array.from({ length: 6 }, () => spanned),
    ]);
    expect(a11?.cells[1]).toEqual({
      text: 'Bring the six customer contact numbers together into one.\nThis includes:\n• council tax and benefits lines\n• the out-of-hours repairs line\n  • the weekend rota',
      lines: [
        line('Bring the six customer contact numbers together into one.'),
        line('This includes:'),
        line('council tax and benefits lines', true, 0),
        line('the out-of-hours repairs line', true, 0),
        line('the weekend rota', true, 1),
      ],
    });
    expect(a11?.cells.filter((_, i) => i !== 1)).toEqual(
      [
        '1.1',
        'High',
        'March 2027',
        'Head of Customer Services (ICT Manager)',
        'CR',
        'One number advertised',
      ].map(plain),
    );
    // The lead cell merged down two rows is copied into the second.
    const lead: SourceCell = {
      text: 'Waste Services Manager\nwith the Web Team',
      lines: [line('Waste Services Manager'), line('with the Web Team')],
    };
    expect(a12?.cells[4]).toEqual(lead);
    expect(a13?.cells[4]).toEqual(lead);
    expect(a13?.cells.map((c) => c.text)).toEqual([
      '1.3',
      'Add bin collection day look-up to the website',
      'Low',
      'December 2026',
      lead.text,
      'CR',
      'Look-up used 1,000 times a month',
    ]);
    expect(a21?.cells[1]?.lines).toEqual([
      line('Move file shares to the new storage'),
      line('finance first', true, 0),
      line('then planning', true, 0),
    ]);
  });

  it('finds headings by style name, outline level and basedOn, and lists by style', async () => {
    const styles = [
      '<w:style w:type="paragraph" w:styleId="AreaHeading"><w:name w:val="Area heading"/></w:style>',
      '<w:style w:type="paragraph" w:styleId="Sub"><w:name w:val="Council sub"/><w:basedOn w:val="Heading3"/></w:style>',
      '<w:style w:type="paragraph" w:styleId="Heading3"><w:name w:val="heading 3"/></w:style>',
      '<w:style w:type="paragraph" w:styleId="Outline"><w:name w:val="Plan level"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>',
      '<w:style w:type="paragraph" w:styleId="ListBullet2"><w:name w:val="List Bullet 2"/></w:style>',
      '<w:style w:type="character" w:styleId="HeadingChar"><w:name w:val="Heading Char"/></w:style>',
    ].join('');
    const body = [
      p('Digital inclusion', '<w:pStyle w:val="AreaHeading"/>'),
      p('Where we are now', '<w:pStyle w:val="Sub"/>'),
      p('Plan level two', '<w:pStyle w:val="Outline"/>'),
      p('Direct outline', '<w:outlineLvl w:val="3"/>'),
      p('Second-level item', '<w:pStyle w:val="ListBullet2"/>'),
      p('• typed bullet'),
      p('   '),
    ].join('');
    const doc = await readDocx(await handmadeDocx(body, { styles }), 'styles.docx');
    expect(doc.blocks).toEqual([
      heading(1, 'Digital inclusion'),
      heading(3, 'Where we are now'),
      heading(2, 'Plan level two'),
      heading(4, 'Direct outline'),
      para('Second-level item', true, 1),
      para('typed bullet', true, 0),
    ]);
  });

  it('numbers lists as Word shows them, restarting where the document says', async () => {
    const numbering = [
      '<w:abstractNum w:abstractNumId="5">',
      '<w:lvl w:ilvl="0"><w:start w:val="3"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>',
      '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%2)"/></w:lvl>',
      '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerRoman"/><w:lvlText w:val="%3"/></w:lvl>',
      '</w:abstractNum>',
      '<w:num w:numId="7"><w:abstractNumId w:val="5"/></w:num>',
      '<w:num w:numId="8"><w:abstractNumId w:val="5"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>',
    ].join('');
    const item = (text: string, numId: number, ilvl: number): string =>
      p(text, `<w:numPr><w:ilvl w:val="${ilvl}"/><w:numId w:val="${numId}"/></w:numPr>`);
    const body = [
      item('First', 7, 0),
      item('Sub one', 7, 1),
      item('Sub two', 7, 1),
      item('Deeper', 7, 2),
      item('Second', 7, 0),
      item('Sub again', 7, 1),
      item('Restarted', 8, 0),
      p('Not a list', '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="0"/></w:numPr>'),
    ].join('');
    const doc = await readDocx(await handmadeDocx(body, { numbering }), 'n.docx');
    expect(doc.blocks).toEqual([
      para('3. First', true, 0),
      para('(a) Sub one', true, 1),
      para('(b) Sub two', true, 1),
      para('i Deeper', true, 2),
      para('4. Second', true, 0),
      para('(a) Sub again', true, 1),
      para('1. Restarted', true, 0),
      para('Not a list'),
    ]);
  });

  it('reads runs, hyperlinks, insertions, tabs and breaks; skips deletions and field codes', async () => {
    const body =
      '<w:p><w:r><w:t>Owner:</w:t><w:tab/><w:t>Head</w:t></w:r><w:ins><w:r><w:t xml:space="preserve"> of ICT</w:t></w:r></w:ins>' +
      '<w:del><w:r><w:delText>Chief Officer</w:delText></w:r></w:del>' +
      '<w:r><w:br/><w:t>see </w:t></w:r><w:hyperlink><w:r><w:t>the intranet</w:t></w:r></w:hyperlink>' +
      '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>4</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>' +
      '<w:r><w:br w:type="page"/><w:t xml:space="preserve"> &amp; more</w:t><w:noBreakHyphen/><w:t>x</w:t></w:r></w:p>';
    const doc = await readDocx(await handmadeDocx(body), 'runs.docx');
    expect(doc.blocks).toEqual([para('Owner:\tHead of ICT\nsee the intranet4 & more-x')]);
  });

  it('reads table merges Word-style: grid spans, vertical merges with spans, skipped grid columns, nested tables, date fields', async () => {
    const row = (cells: string, trPr = ''): string =>
      `<w:tr>${trPr ? `<w:trPr>${trPr}</w:trPr>` : ''}${cells}</w:tr>`;
    const body =
      '<w:tbl>' +
      row(
        tc(p('A')) +
          tc(p('Wide'), '<w:gridSpan w:val="2"/><w:vMerge w:val="restart"/>') +
          tc(p('D')),
      ) +
      row(tc(p('A2')) + tc('<w:p/>', '<w:gridSpan w:val="2"/><w:vMerge/>') + tc(p('D2'))) +
      row(tc(p('late start')) + tc(p('end')), '<w:gridBefore w:val="2"/>') +
      row(
        tc('<w:tbl><w:tr>' + tc(p('inner one')) + tc(p('inner two')) + '</w:tr></w:tbl>') +
          tc(
            '<w:p><w:sdt><w:sdtPr><w:date w:fullDate="2027-04-01T00:00:00Z"/></w:sdtPr><w:sdtContent><w:r><w:t>1 April 2027</w:t></w:r></w:sdtContent></w:sdt></w:p>',
          ),
      ) +
      '</w:tbl>' +
      '<w:sdt><w:sdtContent>' +
      p('Inside a content control') +
      '</w:sdtContent></w:sdt>' +
      '<w:tbl>' +
      row(tc(p('Second table'))) +
      '</w:tbl>';
    const doc = await readDocx(await handmadeDocx(body), 't.docx');
    const [first, control, second] = doc.blocks as [Table, SourceBlock, Table];
    const wide = plain('Wide');
    expect(first.rows.map((r) => r.cells)).toEqual([
      [plain('A'), wide, spanned, plain('D')],
      [plain('A2'), wide, spanned, plain('D2')],
      [plain(''), plain(''), plain('late start'), plain('end')],
      [
        { text: 'inner one\ninner two', lines: [line('inner one'), line('inner two')] },
        { ...plain('1 April 2027'), date: '2027-04-01' },
        plain(''),
        plain(''),
      ],
    ]);
    expect(control).toEqual(para('Inside a content control'));
    expect(second.at).toEqual({ table: 2 });
    expect(second.rows).toEqual([{ cells: [plain('Second table')], at: { table: 2, row: 1 } }]);
  });

  it('warns that text in text boxes was not read', async () => {
    const body =
      '<w:p><w:r><w:drawing><wps:txbx xmlns:wps="x"><w:txbxContent>' +
      p('Hidden note') +
      '</w:txbxContent></wps:txbx></w:drawing></w:r></w:p>' +
      p('Body');
    const doc = await readDocx(await handmadeDocx(body), 'box.docx');
    expect(doc.blocks).toEqual([para('Body')]);
    expect(doc.warnings.map((w) => w.code)).toEqual(['text-boxes-skipped']);
  });

  it('refuses a damaged document: no document part, broken XML, or a DOCTYPE', async () => {
    const noDocument = new JSZip();
    noDocument.file('[Content_Types].xml', '<Types/>');
    const cases = [
      await noDocument.generateAsync({ type: 'nodebuffer' }),
      await handmadeDocx('<w:p><w:r><w:t>unclosed'),
      await (async () => {
        const zip = new JSZip();
        zip.file(
          'word/document.xml',
          '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><w:document/>',
        );
        return zip.generateAsync({ type: 'nodebuffer' });
      })(),
      Buffer.from('PK\u0003\u0004 not really a zip'),
    ];
    for (const bytes of cases) {
      const error = await readDocx(bytes, 'bad.docx').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ImportRefusedError);
      expect(error).toMatchObject({ code: 'corrupt' });
    }
  });
});
