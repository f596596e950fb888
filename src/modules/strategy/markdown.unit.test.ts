import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.js';

describe('renderMarkdown', () => {
  it('escapes HTML: a script typed into a strategy is shown as text, never run', () => {
    const html = renderMarkdown('Hello <script>alert("x")</script> & <b onclick="y">bold</b>');
    expect(html).toBe(
      '<p class="govuk-body">Hello &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b onclick=&quot;y&quot;&gt;bold&lt;/b&gt;</p>',
    );
    expect(html).not.toMatch(/<script|<b /);
  });

  it('keeps numbered paragraphs such as 1.2.3 exactly as written, one paragraph each', () => {
    const html = renderMarkdown(
      '1.2.1 Telephone contact is to individual services.\n1.2.2 The web site is available 24x7.\n\n3. Third\n4. Fourth',
    );
    expect(html).toBe(
      [
        '<p class="govuk-body">1.2.1 Telephone contact is to individual services.</p>',
        '<p class="govuk-body">1.2.2 The web site is available 24x7.</p>',
        '<p class="govuk-body">3. Third</p>',
        '<p class="govuk-body">4. Fourth</p>',
      ].join('\n'),
    );
  });

  it('joins the lines of a paragraph and splits paragraphs at blank lines', () => {
    expect(renderMarkdown('One line\nwraps here.\n\nSecond paragraph.')).toBe(
      '<p class="govuk-body">One line wraps here.</p>\n<p class="govuk-body">Second paragraph.</p>',
    );
  });

  it('makes bullet lists, with wrapped items continuing the item above', () => {
    const html = renderMarkdown(
      'The council expects ICT to:\n\n- contribute to efficiency;\n* be available\n  on demand;\n• be well planned',
    );
    expect(html).toBe(
      '<p class="govuk-body">The council expects ICT to:</p>\n<ul class="govuk-list govuk-list--bullet"><li>contribute to efficiency;</li><li>be available on demand;</li><li>be well planned</li></ul>',
    );
  });

  it('keeps numbers inside bullets as written', () => {
    expect(renderMarkdown('- 1.2.3 Peoples Network access')).toBe(
      '<ul class="govuk-list govuk-list--bullet"><li>1.2.3 Peoples Network access</li></ul>',
    );
  });

  it('renders bold, italic and headings', () => {
    expect(
      renderMarkdown('**Vital** and *soon* and __also__ and _this_ but not snake_case_name'),
    ).toBe(
      '<p class="govuk-body"><strong>Vital</strong> and <em>soon</em> and <strong>also</strong> and <em>this</em> but not snake_case_name</p>',
    );
    expect(renderMarkdown('## Customer expectations', { headingLevel: 4 })).toBe(
      '<h4 class="govuk-heading-s">Customer expectations</h4>',
    );
    expect(renderMarkdown('2 * 3 * 4 stays')).toBe('<p class="govuk-body">2 * 3 * 4 stays</p>');
  });

  it('links only to web, mail and local addresses', () => {
    expect(renderMarkdown('See [the plan](https://example.org/plan?a=1&b=2).')).toBe(
      '<p class="govuk-body">See <a class="govuk-link" href="https://example.org/plan?a=1&amp;b=2">the plan</a>.</p>',
    );
    expect(renderMarkdown('[local](/strategies)')).toContain('href="/strategies"');
    const evil = renderMarkdown(
      '[click](javascript:alert(1)) [x](//evil.example) [d](data:text/html,hi)',
    );
    expect(evil).not.toContain('<a');
    expect(evil).toContain('[click](javascript:alert(1))');
  });

  it('never lets link text or attributes break out of the markup', () => {
    const html = renderMarkdown(
      '[<img src=x onerror=alert(1)>](https://example.org/"onmouseover=")',
    );
    expect(html).not.toContain('<img');
    expect(html).not.toContain('"onmouseover');
  });

  it('honours backslash escapes', () => {
    expect(renderMarkdown(String.raw`\*not italic\* and \# not a heading`)).toBe(
      '<p class="govuk-body">*not italic* and # not a heading</p>',
    );
  });

  it('shows glossary codes as abbr, also inside emphasis', () => {
    const terms = [{ code: 'BoD', expansion: 'Board of Directors' }];
    expect(renderMarkdown('Report to **BoD** quarterly; BoD approves.', { terms })).toBe(
      '<p class="govuk-body">Report to <strong><abbr title="Board of Directors">BoD</abbr></strong> quarterly; <abbr title="Board of Directors">BoD</abbr> approves.</p>',
    );
  });

  it('gives nothing for no text', () => {
    expect(renderMarkdown(null)).toBe('');
    expect(renderMarkdown('   \n ')).toBe('');
  });
});
