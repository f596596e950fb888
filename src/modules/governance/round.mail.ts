/** The mails of an update round: the request, the reminder and a nudge, in text and HTML. */
import type { Mail } from '../../kernel/mail/mailer.js';

export interface RoundMailAction {
  ref: string;
  title: string;
  strategyTitle: string;
  /** The page where the owner records progress on this action. */
  link: string;
}

export interface RoundMailInput {
  to: string;
  name: string;
  organisationName: string;
  boardName: string;
  meetsOn: string;
  asAt: string;
  /** The first day whose updates count ('YYYY-MM-DD'). */
  since: string;
  actions: readonly RoundMailAction[];
  myActionsLink: string;
}

export type RoundMailKind = 'request' | 'reminder' | 'nudge';

const longDate = new Intl.DateTimeFormat('en-GB', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** "Thursday 3 December 2026". */
export function longDay(date: string): string {
  return longDate.format(new Date(`${date}T12:00:00Z`)).replace(',', '');
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function actionsPhrase(count: number) {
  return count === 1 ? 'this action' : `these ${count} actions`;
}

function subjectFor(kind: RoundMailKind, input: RoundMailInput): string {
  const meeting = `the ${input.boardName} meeting on ${longDay(input.meetsOn)}`;
  if (kind === 'reminder') return `Reminder: progress updates needed for ${meeting}`;
  if (kind === 'nudge') return `Please update your actions for ${meeting}`;
  return `Progress updates needed for ${meeting}`;
}

function opening(kind: RoundMailKind, input: RoundMailInput, nudgedBy?: string): string[] {
  const these = actionsPhrase(input.actions.length);
  const meeting = `The ${input.boardName} meets on ${longDay(input.meetsOn)}, and its progress report is as at ${longDay(input.asAt)}.`;
  if (kind === 'reminder') {
    return [
      `This is a reminder. ${meeting}`,
      `We still have no progress update on ${these}, which you lead, since ${longDay(input.since)}.`,
    ];
  }
  if (kind === 'nudge') {
    return [
      `${nudgedBy ?? 'The programme office'} asks you to record progress on ${these}, which you lead. ${meeting}`,
      `None has had an update since ${longDay(input.since)}.`,
    ];
  }
  const have = input.actions.length === 1 ? 'has' : 'have';
  return [
    meeting,
    `${capitalise(these)}, which you lead, ${have} had no progress update since ${longDay(input.since)}.`,
  ];
}

function capitalise(text: string) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A round mail to one owner: every action they are asked about, each with its own link. */
export function roundMail(
  kind: RoundMailKind,
  input: RoundMailInput,
  options: { nudgedBy?: string } = {},
): Mail {
  const intro = opening(kind, input, options.nudgedBy);
  const ask = `Please record an update on each by ${longDay(input.asAt)}: what has happened, whether the action is on track, and what comes next.`;
  const text = [
    `Hello ${input.name},`,
    '',
    ...intro.flatMap((p) => [p, '']),
    ...input.actions.flatMap((a) => [
      `${a.ref} ${a.title} (${a.strategyTitle})`,
      `Record progress: ${a.link}`,
      '',
    ]),
    ask,
    '',
    `All the actions you lead are listed at ${input.myActionsLink}`,
    '',
    'Thank you,',
    `${input.organisationName}, through Waymark`,
  ].join('\n');
  const html = [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(subjectFor(kind, input))}</title></head>`,
    '<body style="font-family: arial, sans-serif; font-size: 16px; line-height: 1.4">',
    `<p>Hello ${escapeHtml(input.name)},</p>`,
    ...intro.map((p) => `<p>${escapeHtml(p)}</p>`),
    '<ul>',
    ...input.actions.map(
      (a) =>
        `<li><strong>${escapeHtml(a.ref)}</strong> ${escapeHtml(a.title)} (${escapeHtml(a.strategyTitle)})<br>` +
        `<a href="${escapeHtml(a.link)}">Record progress on ${escapeHtml(a.ref)}</a></li>`,
    ),
    '</ul>',
    `<p>${escapeHtml(ask)}</p>`,
    `<p><a href="${escapeHtml(input.myActionsLink)}">See all the actions you lead</a></p>`,
    `<p>Thank you,<br>${escapeHtml(input.organisationName)}, through Waymark</p>`,
    '</body></html>',
  ].join('\n');
  return { to: input.to, subject: subjectFor(kind, input), text, html };
}
