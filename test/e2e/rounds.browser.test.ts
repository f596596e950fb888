import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOURNEY_TIMEOUT, MODES, START_TIMEOUT, startHarness, type Harness } from './harness.js';
import { PASSWORD } from '../helpers/fixtures.js';
import { linkedActions, seedBoard } from '../../src/modules/governance/round.test-support.js';

/**
 * The programme office chases updates before a meeting, in a real browser with JavaScript on and
 * off and axe on every page: they start the round, see who has not responded, nudge one owner;
 * the owner follows the link in their mail straight to the page where they record progress.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { PUBLIC_URL: 'https://waymark.example' } });
}, START_TIMEOUT);
afterAll(async () => h.close(), START_TIMEOUT);

describe.each(MODES)('an update round (JavaScript %s)', (mode) => {
  it(
    'starts, lists the owners, nudges one, and its links lead to recording progress',
    { timeout: JOURNEY_TIMEOUT },
    async () => {
      const seeded = await seedBoard(h.t, { meetsInDays: 40 });
      const office = await h.newSession(mode);
      await office.signIn(seeded.editor.email, PASSWORD);
      await office.goto(`/meetings/${seeded.meetingId}/update-round`);
      expect(await office.heading()).toBe('Update round');
      expect(await office.mainText()).toContain('Waymark will ask 3 people about 5 actions');

      await office.submit('Start the round now');
      expect(await office.flash()).toContain('3 people have been asked for updates.');
      const text = await office.mainText();
      expect(text).toContain('0 of 3 people have responded.');
      expect(text).toContain('Not responded');

      await office.submit(`Send a nudge to ${seeded.alice.name}`);
      expect(await office.flash()).toContain(`Nudge sent to ${seeded.alice.name} about 3 actions.`);
      const nudge = await h.smtp.waitFor(seeded.alice.email, /Please update your actions/);
      const [first] = linkedActions(nudge.text, 'https://waymark.example');
      expect(first).toBeDefined();
      office.done();

      const owner = await h.newSession(mode);
      await owner.signIn(seeded.alice.email, PASSWORD);
      await owner.goto(`/actions/${first ?? ''}/progress`);
      expect(await owner.heading()).toContain('Record progress on 1.');
      owner.done();
    },
  );
});
