/**
 * Acceptance on a real council strategy: the seven areas with their gap analysis, the initials
 * legend, and the summary action plan with owners resolved from the initials. The sample stays in
 * the shared samples folder; this runs whenever that folder exists.
 */
import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImportPreview, PreviewSection } from '../import.types.js';
import { readText } from '../readers/text.js';
import { understandDocument } from './index.js';
import { findGlossary, resolveOwner } from './legend.js';
import { findSections } from './sections.js';
import { samplePath } from '../../../../test/helpers/samples.js';

const path = samplePath('ict-strategy-2005-2007.txt');

describe.runIf(existsSync(path))('ict-strategy-2005-2007.txt', () => {
  // Vitest collects a skipped block's body too, so read nothing when the sample is absent.
  const doc = () =>
    readText(existsSync(path) ? readFileSync(path, 'utf8') : '', 'ict-strategy-2005-2007.txt');

  describe('areas', () => {
    const sections = findSections(doc().blocks);
    const area = (number: string): PreviewSection => {
      const found = sections.find((s) => s.number === number);
      if (!found) throw new Error(`area ${number} not found`);
      return found;
    };

    it('finds the seven areas, in order, and nothing else', () => {
      expect(sections.map((s) => [s.number, s.title])).toEqual([
        ['1', 'External environment'],
        ['2', 'Strategies'],
        ['3', 'Governance for ICT'],
        ['4', 'ICT service planning'],
        ['5', 'Information Management'],
        ['6', 'ICT Service Delivery'],
        ['7', 'Technology architecture'],
      ]);
      for (const s of sections) {
        expect(s.vision, s.title).toBeTruthy();
        expect(s.currentPosition, s.title).toBeTruthy();
        expect(s.gettingThere, s.title).toBeTruthy();
      }
    });

    it('1 External environment', () => {
      const s = area('1');
      expect(s.vision).toMatch(/^1\.1\.1 Customer expectations\n\nCustomers in future will expect/);
      expect(s.vision).toContain('1.1.4 Technology opportunities');
      expect(s.vision).toContain(
        '- digital TV – providing an alternative electronic channel to those homes without PCs',
      );
      expect(s.currentPosition).toMatch(/^- 1\.2\.1 Telephone contact is to individual services/);
      expect(s.currentPosition).toMatch(
        /third party ICT packages are the preferred method of implementation\.$/,
      );
      expect(s.gettingThere).toMatch(/^- 1\.3\.1 Out of hours support needs to be determined/);
      expect(s.gettingThere).toContain(
        '\n  - 1) Avoid duplication of roles and responsibilities\n',
      );
      expect(s.gettingThere).toMatch(
        /6\) Challenge the norm and implement different ways of working\.$/,
      );
    });

    it('2 Strategies: numbered paragraphs stay inside their subsection', () => {
      const s = area('2');
      expect(s.vision).toMatch(/^2\.1\.1 Community strategy\n\n/);
      expect(s.vision).toContain('- regenerate the local economy');
      expect(s.vision).toMatch(/on information-handling generally\)\.$/);
      expect(s.currentPosition).toMatch(
        /^2\.2\.1 There are informal links between the council\/service priorities and ICT strategy/,
      );
      expect(s.currentPosition).toMatch(/although Data Protection principles are applied\.$/);
      expect(s.gettingThere).toMatch(/^2\.3\.1 There should be active liaison between IM&T/);
      expect(s.gettingThere).toMatch(/Health will be priorities for the Council\.$/);
    });

    it('3 Governance for ICT', () => {
      const s = area('3');
      expect(s.vision).toMatch(/^3\.1\.1 ICT investment\n\nInvestment in ICT should be linked/);
      expect(s.vision).toContain('- security and confidentiality;');
      expect(s.currentPosition).toMatch(
        /^3\.2\.1 There is no formal process of ICT investment priorities/,
      );
      expect(s.currentPosition).toContain(
        '- 3.2.4 A Departmental IM+T Risk Register has been established',
      );
      expect(s.gettingThere).toMatch(/^- 3\.3\.1 Formal consideration, prioritisation, monitoring/);
      expect(s.gettingThere).toMatch(/corporate networks; desktop services$/);
    });

    it('4 ICT service planning', () => {
      const s = area('4');
      expect(s.vision).toMatch(
        /^4\.1\.1 Development plan\n\nA comprehensive managed, prioritised programme/,
      );
      expect(s.vision).toContain(
        'A standard project management methodology based on Prince2 should be adopted.',
      );
      expect(s.currentPosition).toMatch(/^4\.2\.1 There is informal co-ordination within IM&T/);
      expect(s.currentPosition).toMatch(/a programme office within IM&T\.$/);
      expect(s.gettingThere).toMatch(
        /^- 4\.3\.1 Create, develop and maintain a comprehensive programme/,
      );
      expect(s.gettingThere).toContain('- 4.3.5 Establish skills, training and development plans');
    });

    it('5 Information Management', () => {
      const s = area('5');
      expect(s.vision).toMatch(
        /^5\.1\.1 Freedom of Information \(Fol\) and Data Protection Act \(DPA\)\n\n/,
      );
      expect(s.vision).toContain('Ensure that the council conforms with statutory requirements');
      expect(s.vision).toMatch(/retention, archiving and disposal of information\.$/);
      expect(s.currentPosition).toMatch(/^5\.2\.1 Content management responsibilities/);
      expect(s.currentPosition).toContain(
        '- IM&T - in respect of ICT systems (across the council) and their linkages',
      );
      expect(s.currentPosition).toMatch(/- Data Protection$/);
      expect(s.gettingThere).toMatch(/^- 5\.3\.1 Formal liaison mechanisms should be introduced/);
      expect(s.gettingThere).toMatch(/an information management strategy across the Council\.$/);
    });

    it('6 ICT Service Delivery', () => {
      const s = area('6');
      expect(s.vision).toMatch(/^6\.1\.1 ICT service management\n\n/);
      expect(s.vision).toMatch(/Testing of disaster recovery procedures\.$/);
      expect(s.currentPosition).toMatch(
        /^6\.2\.1 There is a Balanced Scorecard for the IM&T division\./,
      );
      expect(s.currentPosition).toMatch(/6\.2\.5 Disaster recovery plans need establishing\.$/);
      expect(s.gettingThere).toMatch(/^6\.3\.1 Work closer with Departments/);
      expect(s.gettingThere).toMatch(
        /the best possible IM&T service is provided throughout the Council\.$/,
      );
    });

    it('7 Technology architecture ends before the summary action plan', () => {
      const s = area('7');
      expect(s.vision).toMatch(
        /^7\.1\.1 Contact channels \(web, e-mail, post, telephone, personal visit, etc\)/,
      );
      expect(s.vision).toContain(
        'Migration from the IBM mainframe in order to avoid having to continue',
      );
      expect(s.currentPosition).toMatch(/^7\.2\.1 The advent of Customer First/);
      expect(s.currentPosition).toMatch(/call 'management' equipment from McFarlane\.$/);
      expect(s.gettingThere).toMatch(
        /^7\.3\.1 Complete the migration from the IBM mainframe to third party Packaged Solutions\./,
      );
      expect(s.gettingThere).toMatch(/sharing retrieval and storage of documents\.$/);
      expect(s.gettingThere).not.toContain('Summary Action Plan');
      expect(s.gettingThere).not.toContain('Mickleburgh');
    });
  });

  describe('initials', () => {
    const glossary = findGlossary(doc().blocks);

    it('holds the eight initials with their names, and nothing else', () => {
      expect(glossary).toEqual(
        [
          ['MM', 'Mike Mickleburgh'],
          ['MF', 'Mick Franklin'],
          ['SB', 'Sarah Bryant'],
          ['JMcK', 'Jack McKeown'],
          ['AG', 'Ann Gravestock'],
          ['PM', 'Peter Millett'],
          ['SW', 'Steve Winman'],
          ['JT', 'Jay Taylor'],
        ].map(([code, meaning]) => ({ code, meaning, kind: 'initials' })),
      );
    });

    it('resolves owners written as initials', () => {
      expect(resolveOwner('SB', glossary)).toBe('Sarah Bryant');
      expect(resolveOwner('JMcK', glossary)).toBe('Jack McKeown');
      expect(resolveOwner('All', glossary)).toBe('All');
      expect(resolveOwner('Deal', glossary)).toBe('Deal');
    });
  });

  describe('the whole preview', () => {
    let preview: ImportPreview;
    const action = (start: string) => {
      const found = preview.actions.find((a) => a.title.startsWith(start));
      if (!found) throw new Error(`no action starting "${start}"`);
      return found;
    };

    beforeAll(() => {
      preview = understandDocument(doc(), { documentDate: '2005-01-01' });
    });

    it('carries the areas and glossary', () => {
      expect(preview.sections).toEqual(findSections(doc().blocks));
      expect(preview.glossary.filter((g) => g.kind === 'initials')).toHaveLength(8);
    });

    it('reads the summary action plan with themes carried down the first column', () => {
      expect(preview.themes).toEqual([
        'External Environment',
        'Strategies',
        'Governance for ICT',
        'ICT Service Planning',
        'ICT Service Delivery',
        'Technology Architecture',
      ]);
      expect(preview.actions).toHaveLength(30);
      expect(action('Out of hours support needs to be regularised').theme).toBe(
        'External Environment',
      );
      expect(action('The council should formulate, adopt and implement').theme).toBe('Strategies');
      expect(action('Establish an ICT Governance Group').theme).toBe('Governance for ICT');
      expect(action('Establish skills training + development plan').theme).toBe(
        'ICT Service Planning',
      );
      expect(action('Embrace a culture of constant improvement').theme).toBe(
        'ICT Service Delivery',
      );
      expect(action('Adopt and develop and implement Corporate EDRM System').theme).toBe(
        'Technology Architecture',
      );
    });

    it('resolves owners from the initials, and keeps other owners as written', () => {
      const owners: [string, string | null][] = [
        ['Out of hours support needs to be regularised', 'Mike Mickleburgh'],
        ['The council should commission targeted research', 'Mick Franklin'],
        ['Active liaison between IM&T and Corporate Strategy', 'Sarah Bryant'],
        ['The council should formulate, adopt and implement', null],
        ['Establish an ICT Governance Group', 'Sarah Bryant'],
        ['Create and maintain a comprehensive programme of ICT projects', 'Jack McKeown'],
        ['Establish skills training + development plan', 'Ann Gravestock'],
        ['Complete the migration from mainframe', 'Peter Millett'],
        ['Manage office software versions', 'Steve Winman'],
        ['Embrace a culture of constant improvement', 'All'],
        ['Introduce web services procedures for partnership working', 'Deal'],
        ['Adopt and develop and implement Corporate EDRM System', 'Jay Taylor'],
      ];
      for (const [title, lead] of owners) expect(action(title).owner.lead, title).toBe(lead);
      // What was written stays beside what was derived.
      expect(action('Establish an ICT Governance Group').owner.text).toBe('SB');
    });
  });
});
