import type { ImportPreview } from '../import.types.js';

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "38 actions in 6 themes; 3 timescales need checking". */
export function summarise(
  actions: number,
  themes: number,
  needsChecking: number,
): ImportPreview['summary'] {
  let sentence = count(actions, 'action', 'actions');
  if (themes > 0) sentence += ` in ${count(themes, 'theme', 'themes')}`;
  if (needsChecking > 0) {
    sentence += `; ${count(needsChecking, 'timescale needs', 'timescales need')} checking`;
  }
  return { actions, themes, needsChecking, sentence };
}
