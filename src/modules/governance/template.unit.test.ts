import { describe, expect, it } from 'vitest';
import { addMonths, personName } from './report.draft.js';
import {
  boardNoun,
  DEFAULT_TEMPLATE,
  fillWording,
  parseTemplateForm,
  standardNarrative,
  templateFormValues,
  templateFrom,
} from './template.service.js';

describe('the report template', () => {
  it('mirrors a committee paper by default', () => {
    expect(DEFAULT_TEMPLATE.map((s) => s.heading)).toEqual([
      'Purpose of the report',
      'Recommendation',
      'Background',
      'Previous decisions',
      'Progress summary',
      'Completed since the last report',
      'Exceptions',
      'Changes since the last report',
      'Upcoming milestones',
      'Resource implications',
      'Financial implications',
      'Legal implications',
      'Equalities implications',
      'Risk implications',
      'Officers to contact',
    ]);
  });

  it('names the board by its kind in the standard words', () => {
    const ctx = { strategyTitle: 'ICT Strategy', asAt: '2007-09-05' };
    expect(boardNoun({ kind: 'scrutiny', name: 'Scrutiny Commission' })).toBe('Commission');
    expect(boardNoun({ kind: 'scrutiny', name: 'Overview and Scrutiny Committee' })).toBe(
      'Committee',
    );
    expect(boardNoun({ kind: 'cabinet', name: 'Cabinet' })).toBe('Cabinet');
    expect(boardNoun(null)).toBe('Board');
    const narrative = standardNarrative(DEFAULT_TEMPLATE, {
      ...ctx,
      board: { kind: 'scrutiny', name: 'Scrutiny Commission' },
    });
    expect(narrative.recommendation).toBe('The Commission is asked to NOTE this report.');
    expect(narrative.purpose).toBe(
      'This report tells the Commission how the ICT Strategy is being delivered, as at 5 September 2007.',
    );
    expect(narrative.background).toBeUndefined();
    expect(
      fillWording('{boardName} / {board}', { ...ctx, board: { kind: 'cabinet', name: 'Cabinet' } }),
    ).toBe('Cabinet / Cabinet');
  });

  it('reads the form: a section moved down goes after the one in its place', () => {
    const form = templateFormValues(DEFAULT_TEMPLATE);
    form['recommendation-order'] = '15';
    form['purpose-order'] = '1';
    const parsed = parseTemplateForm(form, DEFAULT_TEMPLATE);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.data.map((s) => s.key).slice(-2)).toEqual(['contacts', 'recommendation']);
    // Moved up: before the one in its place.
    const up = templateFormValues(DEFAULT_TEMPLATE);
    up['contacts-order'] = '2';
    const moved = parseTemplateForm(up, DEFAULT_TEMPLATE);
    expect(moved.ok && moved.data.map((s) => s.key).slice(0, 3)).toEqual([
      'purpose',
      'contacts',
      'recommendation',
    ]);
  });

  it('names each problem in the form', () => {
    const form = templateFormValues(DEFAULT_TEMPLATE);
    form['risk-order'] = 'last';
    form['legal-heading'] = ' ';
    form['equalities-text'] = 'x'.repeat(5001);
    const parsed = parseTemplateForm(form);
    expect(parsed.ok ? [] : parsed.errors).toEqual([
      { field: 'legal-heading', message: 'Enter a heading for “Legal implications”' },
      {
        field: 'equalities-text',
        message:
          'The standard words for “Equalities implications” must be 5000 characters or fewer',
      },
      {
        field: 'risk-order',
        message: 'Enter the place of “Risk implications” as a number from 1 to 15',
      },
    ]);
  });

  it('repairs a stored template: unknown sections dropped, missing ones put back', () => {
    const repaired = templateFrom([
      { key: 'contacts', heading: 'Contacts' },
      { key: 'nonsense', heading: 'Nope' },
      { key: 'purpose', heading: 'Why', standardText: 'Because' },
    ]);
    expect(repaired).toHaveLength(15);
    const headings = repaired.map((s) => s.heading);
    expect(headings.indexOf('Contacts')).toBeLessThan(headings.indexOf('Why'));
    expect(headings).not.toContain('Nope');
    expect(repaired.find((s) => s.key === 'purpose')?.standardText).toBe('Because');
  });
});

describe('report dates and names', () => {
  it('adds months within the month', () => {
    expect(addMonths('2024-09-30', 3)).toBe('2024-12-30');
    expect(addMonths('2024-11-30', 3)).toBe('2025-02-28');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
  });

  it('shows a person without their email address', () => {
    expect(personName('Jane Smith <jane@example.org>')).toBe('Jane Smith');
    expect(personName('Waymark (system)')).toBe('Waymark (system)');
    expect(personName(null)).toBeNull();
  });
});
