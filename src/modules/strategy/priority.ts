/** A priority scale: High/Medium/Low by default; organisations may configure their own. */
export interface PriorityLevel {
  code: string;
  label: string;
  /** Ways the level is written in plans: "H", "High", "1". */
  aliases: string[];
}

export const DEFAULT_PRIORITIES: PriorityLevel[] = [
  { code: 'high', label: 'High', aliases: ['h', 'high', 'hi', '1', 'p1', 'critical', 'essential'] },
  { code: 'medium', label: 'Medium', aliases: ['m', 'medium', 'med', '2', 'p2'] },
  { code: 'low', label: 'Low', aliases: ['l', 'low', 'lo', '3', 'p3'] },
];

/** The level a cell means, or null when it is none of them (the words are kept either way). */
export function parsePriority(
  text: string | null | undefined,
  scale: PriorityLevel[] = DEFAULT_PRIORITIES,
): string | null {
  const cleaned = (text ?? '')
    .trim()
    .toLowerCase()
    .replace(/[.\s]+$/g, '');
  if (!cleaned) return null;
  for (const level of scale) {
    if (
      level.code === cleaned ||
      level.label.toLowerCase() === cleaned ||
      level.aliases.includes(cleaned)
    )
      return level.code;
  }
  return null;
}

export function priorityLabel(
  code: string | null,
  scale: PriorityLevel[] = DEFAULT_PRIORITIES,
): string {
  if (!code) return 'Not set';
  return scale.find((l) => l.code === code)?.label ?? code;
}
