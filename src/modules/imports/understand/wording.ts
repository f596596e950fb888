/** Small readings of cell text shared by the row rules. */

/** "4.7 Review the ICT…" → ref "4.7", rest "Review the ICT…"; "1. Do…" → "1". */
export function splitLeadingRef(text: string): { ref: string | null; rest: string } {
  const t = text.trim();
  const multi = /^(\d{1,3}(?:\.\d{1,3})+[a-z]?)[.):]?\s+(?=\S)/.exec(t);
  const single = multi ? null : /^(\d{1,3}[a-z]?)[.)]\s+(?=\S)/.exec(t);
  const m = multi ?? single;
  if (!m?.[1]) return { ref: null, rest: t };
  return { ref: m[1], rest: t.slice(m[0].length).trim() };
}

/** "4. Best Value", "Theme 2: Working smarter", "Area 3 – Skills", "2 Enabling information". */
const NUMBERED_THEME =
  /^(?:(?:theme|area|section|priority|objective|aim|strand|workstream|part|outcome|chapter)\s*\d{1,2}[a-z]?\s*[:.\-–—)]?\s+\S|\d{1,2}[.)]?\s+[A-Z‘'"(])/i;

export function isNumberedTheme(text: string): boolean {
  const t = text.trim();
  // "4.7 Review…" is an action's reference, not a theme's number.
  return NUMBERED_THEME.test(t) && !/^\d{1,3}\.\d/.test(t) && t.length <= 120;
}

const NOT_A_THEME = /^(?:page \d+|continued\b|cont'?d\b|\(?continued\)?|see over)/i;

/** A short unnumbered line that can name a group: "Working smarter", "Customer access". */
export function isShortHeading(text: string): boolean {
  const t = text.trim();
  if (!t || NOT_A_THEME.test(t) || isLegendLabel(t) || isLegendLine(t)) return false;
  // "Council)" closes a bracket opened in the row above: it is the end of a sentence.
  if ((t.match(/\)/g) ?? []).length > (t.match(/\(/g) ?? []).length) return false;
  return (
    t.length <= 80 && t.split(/\s+/).length <= 12 && /^[A-Z‘'"(]/.test(t) && !/[.;,:]$/.test(t)
  );
}

const LEGEND_LABEL =
  /^(?:key|legend|glossary|abbreviations|acronyms|notes?)\b(?:\s+(?:for|to|of|on)\b.{0,40})?\s*:?$/i;
/** "CR = Met within current resources", "Amount in £ = …". */
const LEGEND_LINE = /^[^\s=][^=]{0,20}\s*=\s*\S/;

/** "Key", "Legend for 'Resources'": what follows explains codes rather than listing actions. */
export function isLegendLabel(text: string): boolean {
  return LEGEND_LABEL.test(text.trim());
}

export function isLegendLine(text: string): boolean {
  return LEGEND_LINE.test(text.trim());
}

/** "Total", "Sub-total": a sum under the table, not an action. */
export function isTotalRow(text: string): boolean {
  return /^(?:sub[\s-]?)?totals?\b/i.test(text.trim());
}

export function startsLowerCase(text: string): boolean {
  return /^[a-z]/.test(text.trim());
}

const DANGLING =
  /\b(?:and|or|of|the|to|for|with|in|on|at|a|an|by|from|including|such as|e\.g\.|eg|via|than|which|that|is|are|be|as|into|across|within|between|both|either|their|its|our|all)$/i;

/** A sentence plainly cut short: it ends on "of the", a comma or a dash, or leaves a bracket open. */
export function lacksEnd(text: string): boolean {
  const t = text.trim();
  if (!t) return false;
  if (/[,;:\-–—(&/+]$/.test(t)) return true;
  if (DANGLING.test(t)) return true;
  const open = (t.match(/\(/g) ?? []).length;
  const close = (t.match(/\)/g) ?? []).length;
  return open > close;
}

/** Text that ends like a finished cell: a full stop, a closing bracket, a question. */
export function looksClosed(text: string): boolean {
  return /[.!?)\]]$/.test(text.trim());
}
