import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODES, START_TIMEOUT, startHarness, type Harness, type Session } from './harness.js';
import { makeOrganisation, makeUser, PASSWORD } from '../helpers/fixtures.js';

/**
 * An editor's strategy journey in a real browser, JavaScript on and off, axe on every page:
 * create a strategy (after being told what is missing), add an area with its vision and see it
 * on the strategy page, add a glossary code and see it explained, record who holds a post, then
 * roll the strategy forward and read what changed.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, START_TIMEOUT);
afterAll(async () => h.close(), START_TIMEOUT);

async function fillDate(s: Session, name: string, day: string, month: string, year: string) {
  await s.page.locator(`#${name}-day`).fill(day);
  await s.page.locator(`#${name}-month`).fill(month);
  await s.page.locator(`#${name}-year`).fill(year);
}

describe.each(MODES)('an editor’s strategy (JavaScript %s)', (mode) => {
  let s: Session;
  let strategyPath: string;

  beforeAll(async () => {
    const org = await makeOrganisation(h.t.database.db);
    const editor = await makeUser(h.t.database.db, org.id, 'editor');
    s = await h.newSession(mode);
    await s.signIn(editor.email, PASSWORD);
  }, START_TIMEOUT);

  it('creates a strategy, after being told what is missing', async () => {
    await s.followLink('Strategies');
    expect(await s.heading()).toBe('Strategies');
    expect(await s.mainText()).toContain('There are no strategies yet.');
    await s.followLink('Create a strategy');
    expect(await s.heading()).toBe('Create a strategy');

    await s.fill({ 'Period (optional)': '2007–2009' });
    await fillDate(s, 'periodStart', '1', '4', '2007');
    await fillDate(s, 'periodEnd', '31', '3', '2006');
    await s.submit('Create strategy');
    expect(await s.page.title()).toMatch(/^Error: /);
    expect(await s.errorSummary()).toEqual([
      'Enter the strategy’s title',
      'End of the period must be the same as or after its start',
    ]);
    expect(await s.page.locator('#periodLabel').inputValue()).toBe('2007–2009');

    await s.fill({ Title: `ICT Strategy 2007 (${mode})`, 'Approved by (optional)': 'Cabinet' });
    await fillDate(s, 'periodEnd', '31', '3', '2009');
    await fillDate(s, 'documentDate', '1', '4', '2007');
    await s.choose('Consultation');
    await s.submit('Create strategy');
    expect(s.path()).toMatch(/^\/strategies\/[0-9a-f-]{36}$/);
    strategyPath = s.path();
    expect(await s.flash()).toContain(`Strategy created: ICT Strategy 2007 (${mode})`);
    expect(await s.heading()).toBe(`ICT Strategy 2007 (${mode})`);
    const text = await s.mainText();
    expect(text).toContain('Consultation');
    expect(text).toContain('1 April 2007 to 31 March 2009');
    expect(text).toContain('This strategy has no areas yet.');
    s.done();
  });

  it('adds an area with a vision, and sees it on the strategy page', async () => {
    await s.followLink('Add an area');
    expect(await s.heading()).toBe('Add an area');
    await s.submit('Add area');
    expect(await s.errorSummary()).toEqual(['Enter the area’s title']);

    await s.fill({
      'Number (optional)': '7',
      Title: 'Technology architecture',
      Vision:
        '7.1.1 A resilient network for every office.\n\n- fast links\n- **tested** recovery <script>window.bad = 1</script>',
    });
    await s.submit('Add area');
    expect(s.path()).toBe(strategyPath);
    expect(await s.flash()).toContain('Area added: Technology architecture');
    const area = s.page.locator('section', {
      has: s.page.getByRole('heading', { name: '7. Technology architecture' }),
    });
    await expect.poll(() => area.count()).toBe(1);
    const areaText = await area.innerText();
    expect(areaText).toContain('Vision');
    expect(areaText).toContain('7.1.1 A resilient network for every office.');
    expect(await area.locator('li').allInnerTexts()).toEqual([
      'fast links',
      'tested recovery <script>window.bad = 1</script>',
    ]);
    expect(await area.locator('strong', { hasText: 'tested' }).count()).toBe(1);
    expect(await s.page.evaluate(() => (globalThis as { bad?: number }).bad)).toBeUndefined();
    s.done();
  });

  it('adds a glossary code that is then explained wherever it appears', async () => {
    await s.followLink('Glossary for this strategy');
    expect(await s.heading()).toBe('Glossary');
    await s.followLink('Add a term');
    await s.fill({ Code: 'BoD', 'What it stands for': 'Board of Directors' });
    await s.submit('Add term');
    expect(await s.flash()).toContain('BoD added to the glossary');
    await s.goto(`${strategyPath}/areas/new`);
    await s.fill({ Title: 'Governance', 'Getting there': 'Report to BoD every quarter.' });
    await s.submit('Add area');
    const abbr = s.page.locator('abbr[title="Board of Directors"]', { hasText: 'BoD' });
    await expect.poll(() => abbr.count()).toBeGreaterThan(0);
    s.done();
  });

  it('records who holds a post', async () => {
    await s.goto('/posts');
    expect(await s.heading()).toBe('Posts and bodies');
    await s.followLink('Add a post or body');
    await s.fill({
      'Short name': `ICT BS Mgr ${mode}`,
      'Full title': 'ICT Business Systems Manager',
    });
    await s.choose('A post');
    await s.submit('Add');
    expect(await s.heading()).toBe(`ICT BS Mgr ${mode}`);
    await s.followLink('Record a new holder');
    await s.fill({ 'Or, their name': 'Mike Morris' });
    await fillDate(s, 'fromDate', '1', '4', '2007');
    await s.submit('Save holder');
    expect(await s.flash()).toContain('Holder recorded');
    expect(await s.mainText()).toContain('Mike Morris, since 1 April 2007');
    s.done();
  });

  it('rolls the strategy forward and reads what changed', async () => {
    await s.goto(strategyPath);
    await s.followLink('Roll forward');
    expect(await s.heading()).toBe('Roll forward to version 2');
    await s.choose('Annual refresh');
    await s.submit('Create version 2');
    expect(await s.flash()).toContain('Version 2 created as a draft: 0 actions carried forward');
    expect(await s.mainText()).toContain('7. Technology architecture');
    await s.followLink('What changed between versions');
    expect(await s.heading()).toBe('What changed from version 1 to version 2');
    s.done();
  });
});
