import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODES, START_TIMEOUT, startHarness, type Harness, type Session } from './harness.js';
import { PASSWORD } from '../helpers/fixtures.js';
import { withTenant } from '../../src/kernel/db/tenancy.js';
import { makePlan, person, type Plan } from '../../src/modules/strategy/progress.test-support.js';

/**
 * An action owner who has never been trained keeps their actions up to date in one sitting, in
 * a real browser with JavaScript on and off and axe on every page: from My actions they record
 * progress on two actions in a row with the keyboard alone (Tab to move, arrow keys within the
 * status radios as in any browser, Space to open "More detail", Enter to save), each save
 * taking them straight to the next action that needs an update.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, START_TIMEOUT);
afterAll(async () => h.close(), START_TIMEOUT);

/** Tabs to the status radios (focus lands on the one checked) and moves down `steps` choices. */
async function chooseStatusByKeyboard(s: Session, steps: number) {
  await s.tabTo((f) => /^status(-\d+)?$/.test(f.id), 40);
  for (let i = 0; i < steps; i++) await s.page.keyboard.press('ArrowDown');
}

async function typeInto(s: Session, id: string, text: string) {
  await s.tabTo((f) => f.id === id, 10);
  await s.page.keyboard.type(text);
}

async function saveByKeyboard(s: Session) {
  await s.tabTo((f) => f.text === 'Save progress', 20);
  await s.pressAndWait('Enter');
}

async function checkedStatus(s: Session): Promise<string> {
  return s.page.locator('input[name="status"]:checked').inputValue();
}

describe.each(MODES)('recording progress from My actions (JavaScript %s)', (mode) => {
  let plan: Plan;
  let s: Session;

  beforeAll(async () => {
    plan = await makePlan(h.t.database.db);
    s = await h.newSession(mode);
    await s.signIn(plan.owner.email, PASSWORD);
  }, START_TIMEOUT);

  it('opens My actions and sees what needs an update first', async () => {
    await s.followLink('My actions');
    expect(s.path()).toBe('/my-actions');
    expect(await s.heading()).toBe('My actions');
    const text = await s.mainText();
    expect(text).toContain('3 of your 5 open actions need an update.');
    const refs = await s.page.locator('table.govuk-table tbody tr th a').first().innerText();
    expect(refs).toBe('1.2');
    s.done();
  });

  it('records progress on two actions in a row with the keyboard alone', async () => {
    // From My actions, the "Start with 1.2" button is reached and pressed from the keyboard.
    await s.tabTo((f) => f.text === 'Start with 1.2', 40);
    await s.pressAndWait('Enter');
    expect(s.path()).toBe(`/actions/${plan.actions['1.2']!.id}/progress`);
    expect(await s.heading()).toBe('Record progress on 1.2');

    // 1.2: Not started → At risk (two choices down), then what has happened and what is next.
    await chooseStatusByKeyboard(s, 2);
    expect(await checkedStatus(s)).toBe('at_risk');
    await typeInto(
      s,
      'happened',
      'The recovery test was postponed: the supplier could not attend.',
    );
    await typeInto(s, 'nextSteps', 'A new date is booked for next month.');
    await saveByKeyboard(s);

    // Straight on to the next action that needs an update, with word of what was saved.
    expect(s.path()).toBe(`/actions/${plan.actions['1.3']!.id}/progress`);
    expect(await s.flash()).toContain(
      'Progress recorded for 1.2. Next: 1.3 Review the firewall rules',
    );
    expect(await s.heading()).toBe('Record progress on 1.3');

    // 1.3: On track, and a percentage from "More detail", opened with Space.
    await chooseStatusByKeyboard(s, 1);
    expect(await checkedStatus(s)).toBe('on_track');
    await typeInto(s, 'happened', 'Rules reviewed with the security team; three removed.');
    await s.tabTo((f) => f.text.startsWith('More detail'), 10);
    await s.page.keyboard.press('Space');
    expect(await s.page.locator('details.govuk-details').getAttribute('open')).not.toBeNull();
    await typeInto(s, 'percentComplete', '50');
    await saveByKeyboard(s);

    expect(s.path()).toBe(`/actions/${plan.actions['1.4']!.id}/progress`);
    expect(await s.flash()).toContain('Progress recorded for 1.3. Next: 1.4');
    s.done();
  });

  it('sees both actions updated on My actions', async () => {
    await s.followLink('Back to My actions');
    expect(s.path()).toBe('/my-actions');
    const text = await s.mainText();
    expect(text).toContain('1 of your 5 open actions needs an update.');
    const row = (ref: string) =>
      s.page.locator('table.govuk-table tbody tr').filter({
        has: s.page.locator('th a', { hasText: new RegExp(`^${ref.replace('.', '\\.')}$`) }),
      });
    expect(await row('1.2').innerText()).toMatch(/At risk[\s\S]*Today/);
    expect(await row('1.3').innerText()).toMatch(/On track[\s\S]*Today/);

    const stored = await withTenant(h.t.database.db, plan.orgId, null, (trx) =>
      trx
        .selectFrom('progress_updates')
        .select(['action_id', 'status', 'percent_complete', 'next_steps'])
        .where('recorded_by', '=', plan.owner.id)
        .orderBy('recorded_at')
        .execute(),
    );
    expect(stored).toEqual([
      {
        action_id: plan.actions['1.2']!.id,
        status: 'at_risk',
        percent_complete: null,
        next_steps: 'A new date is booked for next month.',
      },
      {
        action_id: plan.actions['1.3']!.id,
        status: 'on_track',
        percent_complete: 50,
        next_steps: null,
      },
    ]);
    s.done();
  });

  it('shows what is wrong, keeping what was typed, when the form is sent incomplete', async () => {
    await s.goto(`/actions/${plan.actions['1.4']!.id}/progress`);
    await s.fill({ 'What happens next? (optional)': 'Wave 3 in the spring.' });
    await s.submit('Save progress');
    expect(await s.page.title()).toMatch(/^Error: Record progress on 1.4/);
    expect(await s.errorSummary()).toEqual(['Enter what has happened']);
    expect(await s.page.getByLabel('What happens next? (optional)').inputValue()).toBe(
      'Wave 3 in the spring.',
    );
    s.done();
  });
});

describe.each(MODES)('the organisation’s own status words (JavaScript %s)', (mode) => {
  it('an administrator renames a status and owners see the new word with its colour', async () => {
    const plan = await makePlan(h.t.database.db);
    const admin = await person(h.t.database.db, plan.orgId, 'admin');
    const s = await h.newSession(mode);
    await s.signIn(admin.email, PASSWORD);
    await s.goto('/admin/status-words');
    expect(await s.heading()).toBe('Status words');
    await s.page.locator('#on_track-label').fill('Going well');
    await s.submit('Save status words');
    expect(s.path()).toBe('/admin/status-words');
    expect(await s.flash()).toContain('The status words have been saved.');
    await s.followLink('priority scale');
    expect(await s.heading()).toBe('Priority scale');
    s.done();

    const owner = await h.newSession(mode);
    await owner.signIn(plan.owner.email, PASSWORD);
    await owner.goto('/my-actions');
    const tag = owner.page.locator('table.govuk-table .govuk-tag--green').first();
    expect(await tag.innerText()).toBe('Going well');
    owner.done();
  });
});
