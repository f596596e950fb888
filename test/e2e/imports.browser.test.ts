import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODES, START_TIMEOUT, startHarness, type Harness, type Session } from './harness.js';
import { makeOrganisation, makeUser, PASSWORD } from '../helpers/fixtures.js';
import { hasSamples, sample, SMALL_PLAN } from '../../src/modules/imports/import.test-support.js';

/**
 * An editor imports the action plan they already have, in a real browser, JavaScript on and off,
 * axe on every page: paste it, read the preview, correct what a column means, choose a new
 * strategy, check, import, and find the plan in Waymark.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, START_TIMEOUT);
afterAll(async () => h.close(), START_TIMEOUT);

const plan = hasSamples
  ? { text: sample('ict-action-plan-2007.txt'), summary: '38 actions in 6 themes', action: '4.3' }
  : { text: SMALL_PLAN, summary: '3 actions in 2 themes', action: '1.2' };

describe.each(MODES)('importing a plan (JavaScript %s)', (mode) => {
  let s: Session;

  beforeAll(async () => {
    const org = await makeOrganisation(h.t.database.db);
    const editor = await makeUser(h.t.database.db, org.id, 'editor');
    s = await h.newSession(mode);
    await s.signIn(editor.email, PASSWORD);
  }, START_TIMEOUT);

  it('is told what is missing, then pastes the plan and sees the preview', async () => {
    await s.followLink('Import a plan');
    expect(await s.heading()).toBe('Import a plan');
    await s.submit('Preview the plan');
    expect(await s.page.title()).toMatch(/^Error: /);
    expect(await s.errorSummary()).toEqual(['Choose a file, or paste the text of the plan']);

    await s.page.getByLabel('Paste the plan').fill(plan.text);
    await s.submit('Preview the plan');
    expect(s.path()).toMatch(/^\/imports\/[0-9a-f-]{36}$/);
    expect(await s.heading()).toBe('Check the plan before importing it');
    const text = await s.mainText();
    expect(text).toContain(plan.summary);
    expect(text).toContain('Nothing has been imported yet.');
  });

  it('changes what a column means, and the plan is read again', async () => {
    await s.page.locator('#column-5').selectOption('comments');
    await s.submit('Read the columns again');
    expect(await s.flash()).toContain('The columns have been read again.');
    expect(await s.mainText()).toMatch(/Comments: /);
    // And back, so the targets stay targets.
    await s.page.locator('#column-5').selectOption('target');
    await s.submit('Read the columns again');
  });

  it('imports it into a new strategy and finds the action plan', async () => {
    await s.fill({ 'Title of the new strategy': `Imported plan (${mode})` });
    await s.submit('Continue with a new strategy');
    expect(await s.heading()).toBe('Check before you import');
    expect(await s.mainText()).toContain(`A new strategy: Imported plan (${mode})`);
    await s.submit('Import the plan');
    expect(s.path()).toMatch(/^\/imports\/[0-9a-f-]{36}\/done$/);
    expect(await s.heading()).toBe('Plan imported');
    await s.followLink('See the action plan');
    expect(s.path()).toMatch(/^\/strategies\/[0-9a-f-]{36}\/actions/);
    expect(await s.mainText()).toContain(plan.action);
    s.done();
  });
});
