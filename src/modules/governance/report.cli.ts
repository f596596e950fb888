import type { Command } from 'commander';

/** \`waymark report --organisation ID --strategy ID --as-at YYYY-MM-DD --format … --out FILE\` */
export function registerReportCommand(_program: Command): void {}
