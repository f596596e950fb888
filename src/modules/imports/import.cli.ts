import type { Command } from 'commander';

/** `waymark import FILE …` */
export function registerImportCommand(_program: Command): void {}
