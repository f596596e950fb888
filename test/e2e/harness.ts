import type { AddressInfo } from 'node:net';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Page,
  type Response,
  type Route,
} from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.js';

/** Debian's Chromium: the suite never downloads a browser (`playwright install` is not used). */
export const CHROMIUM = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The standards UK public bodies must meet (WCAG 2.2 AA), as axe tags them. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** For beforeAll/afterAll: starting Chromium and the app can be slow on a busy machine. */
export const START_TIMEOUT = 180_000;

/** For one journey: a dozen pages, each checked with axe, on a machine that may be busy. */
export const JOURNEY_TIMEOUT = 300_000;

export type Mode = 'js' | 'no-js';
export const MODES: Mode[] = ['js', 'no-js'];

export interface Harness {
  /** http://127.0.0.1:<port>, where the real app listens. */
  baseUrl: string;
  t: TestApp;
  smtp: TestSmtp;
  browser: Browser;
  /** A fresh, cookie-less browser context with JavaScript on or off. */
  newSession(mode: Mode): Promise<Session>;
  close(): Promise<void>;
}

/**
 * The real app on a free local port, a real SMTP server it sends to, and Debian's Chromium.
 * One per test file (beforeAll), closed in afterAll.
 */
export async function startHarness(
  options: { env?: Record<string, string> } = {},
): Promise<Harness> {
  const smtp = await startTestSmtp();
  const t = await createTestApp({ env: { SMTP_URL: smtp.url, ...options.env } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  // launch() gives the browser a fresh, throw-away profile folder of its own (user-data-dir),
  // so nothing leaks between runs or from the machine's user; each context is fresh again.
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
  } catch (error) {
    await t.close();
    await smtp.close();
    throw error;
  }
  const sessions: Session[] = [];
  let inspector: Page | undefined;
  // axe cannot run inside a page with JavaScript off (its timers never fire), so a no-JS page's
  // DOM is copied, scripts removed, into a separate JS-enabled tab at the same address and
  // checked there: the same markup and styles a person without JavaScript gets.
  async function inspect(page: Page): Promise<AxeViolationLine[]> {
    if (!inspector) {
      const context = await browser.newContext({ javaScriptEnabled: true });
      inspector = await context.newPage();
      await inspector.route('**/*.js', (route) => route.abort());
    }
    const url = page.url();
    const html = withoutScripts(await page.content());
    const serve = (route: Route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
    // A predicate, not a glob: the address may hold characters a glob treats specially.
    const bare = url.split('#')[0]!;
    const isThePage = (u: URL) => u.href === bare;
    await inspector.route(isThePage, serve);
    try {
      // From a blank page, so that a change of #fragment alone still loads the new markup.
      await inspector.goto('about:blank');
      await inspector.goto(url, { waitUntil: 'load' });
    } finally {
      await inspector.unroute(isThePage, serve);
    }
    // Never check some other page by mistake (say, a redirect to sign-in).
    if (inspector.url().split('#')[0] !== bare) {
      throw new Error(`axe looked at ${inspector.url()}, not ${url}`);
    }
    return axeViolations(inspector);
  }
  return {
    baseUrl,
    t,
    smtp,
    browser,
    async newSession(mode) {
      const context = await browser.newContext({
        baseURL: baseUrl,
        javaScriptEnabled: mode === 'js',
        locale: 'en-GB',
      });
      const page = await context.newPage();
      const session = new Session(context, page, mode, mode === 'js' ? axeViolations : inspect);
      sessions.push(session);
      return session;
    },
    async close() {
      for (const s of sessions) await s.context.close().catch(() => undefined);
      await browser.close();
      await t.close();
      await smtp.close();
    },
  };
}

function withoutScripts(html: string): string {
  return html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '');
}

export interface AxeViolationLine {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/** Runs axe over the page; returns the violations in a shape that reads well in a failure. */
export async function axeViolations(page: Page): Promise<AxeViolationLine[]> {
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact ?? 'unknown',
    help: v.help,
    targets: v.nodes.map((n) => n.target.join(' ')),
  }));
}

export function formatViolations(url: string, violations: AxeViolationLine[]): string {
  const lines = violations.map(
    (v) =>
      `  - ${v.id} (${v.impact}): ${v.help}\n      at ${v.targets.slice(0, 5).join('\n      at ')}`,
  );
  return `axe found ${violations.length} accessibility problem(s) on ${url}:\n${lines.join('\n')}`;
}

/**
 * A page object over one browser tab. Every way of arriving at a page (goto, following a link,
 * submitting a form) ends in `arrived()`, which runs axe and fails with a readable list. `done()`
 * fails if any page was reached without being checked (e.g. a redirect a test did not expect).
 */
export class Session {
  /** Every URL axe has passed, in order (tests can assert the journey's path). */
  readonly checked: string[] = [];
  private unchecked: string | null = null;

  constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly mode: Mode,
    private readonly check: (page: Page) => Promise<AxeViolationLine[]>,
  ) {
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) this.unchecked = frame.url();
    });
  }

  /** The path (and query) of the current page. */
  path(): string {
    const u = new URL(this.page.url());
    return u.pathname + u.search;
  }

  async goto(path: string): Promise<Response | null> {
    const response = await this.page.goto(path);
    await this.arrived();
    return response;
  }

  /** Follows a link by its accessible name (GOV.UK "button" links included). */
  async followLink(name: string | RegExp): Promise<void> {
    const link = this.page
      .getByRole('link', { name })
      .or(this.page.locator('a[role="button"]').getByText(name));
    await Promise.all([this.page.waitForEvent('framenavigated'), link.first().click()]);
    await this.arrived();
  }

  /** Fills labelled fields (label → value). */
  async fill(fields: Record<string, string>): Promise<void> {
    for (const [label, value] of Object.entries(fields)) {
      await this.page.getByLabel(label, { exact: true }).fill(value);
    }
  }

  /** Selects a radio button by its label. */
  async choose(label: string): Promise<void> {
    await this.page.getByRole('radio', { name: label, exact: true }).check();
  }

  /** Ticks a checkbox by its label. */
  async tick(label: string): Promise<void> {
    await this.page.getByRole('checkbox', { name: label, exact: true }).check();
  }

  /** The text of the main content, for checking what a page says. */
  async mainText(): Promise<string> {
    return this.page.locator('#main-content').innerText();
  }

  /** The success banner's text ('' when there is none). */
  async flash(): Promise<string> {
    const banner = this.page.locator('.govuk-notification-banner--success');
    return (await banner.count()) ? (await banner.innerText()).trim() : '';
  }

  /** Presses a button by its accessible name and waits for the next page. */
  async submit(button: string | RegExp): Promise<void> {
    await Promise.all([
      this.page.waitForEvent('framenavigated'),
      this.page
        .getByRole('button', { name: button, exact: typeof button === 'string' })
        .first()
        .click(),
    ]);
    await this.arrived();
  }

  /** Presses a key (e.g. Enter in a form field) that should lead to another page. */
  async pressAndWait(key: string): Promise<void> {
    await Promise.all([this.page.waitForEvent('framenavigated'), this.page.keyboard.press(key)]);
    await this.arrived();
  }

  /** Runs axe on the page now shown; throws with the list of violations if there are any. */
  async arrived(): Promise<void> {
    await this.page.waitForLoadState('load');
    const url = this.page.url();
    const violations = await this.check(this.page);
    if (violations.length) throw new Error(formatViolations(url, violations));
    this.checked.push(new URL(url).pathname);
    this.unchecked = null;
  }

  async heading(): Promise<string> {
    return (await this.page.getByRole('heading', { level: 1 }).first().innerText()).trim();
  }

  /** The texts of the GOV.UK error summary's links ([] when there is none). */
  async errorSummary(): Promise<string[]> {
    const links = this.page.locator('.govuk-error-summary__list a');
    return (await links.allInnerTexts()).map((s) => s.trim());
  }

  /** The element that has keyboard focus, described for assertions. */
  async focused(): Promise<{ tag: string; id: string; text: string; inMain: boolean }> {
    const el = this.page.locator(':focus');
    if ((await el.count()) === 0) return { tag: '', id: '', text: '', inMain: false };
    // The element typed by hand: the DOM's types are not part of this Node project.
    const tag = await el.evaluate((e: { tagName: string }) => e.tagName.toLowerCase());
    return {
      tag,
      id: (await el.getAttribute('id')) ?? '',
      text: ((await el.textContent()) ?? '').trim(),
      inMain: (await this.page.locator('#main-content :focus').count()) > 0,
    };
  }

  /** Presses Tab until focus lands on an element matching the test (at most `limit` times). */
  async tabTo(
    test: (f: { tag: string; id: string; text: string }) => boolean,
    limit = 30,
  ): Promise<void> {
    for (let i = 0; i < limit; i++) {
      await this.page.keyboard.press('Tab');
      if (test(await this.focused())) return;
    }
    throw new Error(`Tabbing ${limit} times never reached the element wanted on ${this.path()}`);
  }

  /** Signs in through the form, as a person would. */
  async signIn(email: string, password: string): Promise<void> {
    if (!this.path().startsWith('/sign-in')) await this.goto('/sign-in');
    await this.fill({ 'Email address': email, Password: password });
    await this.submit('Sign in');
  }

  /** Fails when a page was reached without an axe check. */
  done(): void {
    if (this.unchecked)
      throw new Error(`The page ${this.unchecked} was reached but never checked with axe`);
  }
}
