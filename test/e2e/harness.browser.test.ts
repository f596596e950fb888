import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODES, START_TIMEOUT, startHarness, type Harness } from './harness.js';

/**
 * The harness itself: a check that cannot fail proves nothing, so these show that axe does
 * catch problems, with JavaScript on and off, and that a page reached without a check is noticed.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, START_TIMEOUT);
afterAll(async () => h.close(), START_TIMEOUT);

// An image with no text alternative, a field with no label, and no page language.
const BROKEN = `<!DOCTYPE html><html><head><title>Broken</title></head><body>
<main><h1>Broken</h1><img src="/static/nothing.png"><form><input type="text" name="q"></form></main>
</body></html>`;

describe.each(MODES)('the harness (JavaScript %s)', (mode) => {
  it('fails a page with accessibility problems, listing each rule and where', async () => {
    const s = await h.newSession(mode);
    await s.context.route('**/__broken', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: BROKEN }),
    );
    const failure = await s.goto('/__broken').then(
      () => null,
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    expect(failure).toMatch(
      /axe found \d+ accessibility problem\(s\) on http:\/\/127\.0\.0\.1:\d+\/__broken/,
    );
    expect(failure).toMatch(/- image-alt \(critical\)/);
    expect(failure).toMatch(/- html-has-lang/);
    expect(failure).toMatch(/- label/);
    expect(failure).toContain('at img');
  });

  it('passes a real page, and notices a page that was reached without a check', async () => {
    const s = await h.newSession(mode);
    await s.goto('/accessibility');
    expect(s.checked).toEqual(['/accessibility']);
    s.done();
    await s.page.goto('/privacy');
    expect(() => s.done()).toThrow(/was reached but never checked with axe/);
    await s.arrived();
    s.done();
  });

  it(`runs the page with JavaScript ${mode === 'js' ? 'on' : 'off'}`, async () => {
    const s = await h.newSession(mode);
    await s.goto('/sign-in');
    // GOV.UK Frontend marks the body when its script runs; without JavaScript it never does.
    const classes = (await s.page.locator('body').getAttribute('class')) ?? '';
    if (mode === 'js') expect(classes).toContain('govuk-frontend-supported');
    else expect(classes).not.toContain('js-enabled');
  });
});
