/**
 * "By who (with)" cells: the lead comes first, supporters follow in brackets.
 * "AD, ICT (Cabinet member and BoD)" → lead "AD, ICT", with ["Cabinet member", "BoD"].
 * Commas also occur inside post names ("AD, ICT", "HR, T&D Mgr"), so names the organisation
 * already knows are kept whole before anything is split.
 */
export interface Owners {
  lead: string | null;
  with: string[];
}

const SEPARATOR = /\s*(?:,|;|\/|\band\b|\s&\s|\+)\s*/i;

function splitNames(text: string, known: readonly string[]): string[] {
  const placeholders: string[] = [];
  let masked = text;
  // Longest first, so "AD, ICT and relevant service AD's" wins over "AD, ICT".
  for (const name of [...known].sort((a, b) => b.length - a.length)) {
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    masked = masked.replace(
      new RegExp(`(^|[\\s,(])(${escaped})(?=$|[\\s,);])`, 'gi'),
      (_m, pre: string, hit: string) => {
        placeholders.push(hit);
        return `${pre}\uE000${placeholders.length - 1}\uE000`;
      },
    );
  }
  return masked
    .split(SEPARATOR)
    .map((part) =>
      part.replace(/\uE000(\d+)\uE000/g, (_m, i: string) => placeholders[Number(i)] ?? '').trim(),
    )
    .filter((part) => part.length > 0);
}

export function parseOwners(
  text: string | null | undefined,
  knownNames: readonly string[] = [],
): Owners {
  const cleaned = (text ?? '').replace(/\s+/g, ' ').trim();
  if (!cleaned) return { lead: null, with: [] };
  const open = cleaned.indexOf('(');
  if (open === -1) {
    // "Waste Services Manager with the Web Team": the words after "with" support the lead.
    const withAt = cleaned.search(/\s+with\s+/i);
    if (withAt > 0) {
      const rest = cleaned.slice(withAt).replace(/^\s+with\s+/i, '');
      return { lead: cleaned.slice(0, withAt).trim(), with: splitNames(rest, knownNames) };
    }
    return { lead: cleaned, with: [] };
  }
  const close = cleaned.lastIndexOf(')');
  const lead = cleaned.slice(0, open).trim();
  const inner = cleaned.slice(open + 1, close > open ? close : undefined).trim();
  const after = close > open ? cleaned.slice(close + 1).trim() : '';
  // "(with Procurement)": the brackets already say these are the supporters.
  const supporters = splitNames(inner.replace(/^with\s+/i, ''), knownNames);
  return {
    lead: lead || supporters.shift() || null,
    with: after ? [...supporters, ...splitNames(after, knownNames)] : supporters,
  };
}

/** Back to the council's own way of writing it. */
export function formatOwners(owners: Owners): string {
  if (!owners.lead) return owners.with.join(', ');
  return owners.with.length ? `${owners.lead} (${owners.with.join(', ')})` : owners.lead;
}
