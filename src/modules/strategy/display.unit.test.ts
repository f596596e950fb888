import { describe, expect, it } from 'vitest';
import { abbreviate, escapeHtml } from './display.js';

describe('abbreviate', () => {
  const terms = [
    { code: 'CR', expansion: 'Met within current resources' },
    { code: 'BoD', expansion: 'Board of Directors' },
    { code: 'T&D', expansion: 'Training & Development' },
  ];
  it('wraps whole-word codes in abbr with their expansion, and escapes everything else', () => {
    expect(abbreviate('AD, ICT (BoD) <b>', terms)).toBe(
      'AD, ICT (<abbr title="Board of Directors">BoD</abbr>) &lt;b&gt;',
    );
    expect(abbreviate('CR', terms)).toBe('<abbr title="Met within current resources">CR</abbr>');
    expect(abbreviate('CRM system', terms)).toBe('CRM system');
    expect(abbreviate('HR T&D Mgr', terms)).toBe(
      'HR <abbr title="Training &amp; Development">T&amp;D</abbr> Mgr',
    );
  });
  it('escapes when there are no terms', () => {
    expect(abbreviate('<script>', [])).toBe('&lt;script&gt;');
    expect(escapeHtml(`"'`)).toBe('&quot;&#39;');
  });
});
