// The one explanation every command that writes a manifest gives when the write gate
// (lint/write-gate.ts) refused its output: what was not written and where it was to go, then
// each error on a line of its own, as editors link them.
import type { WriteRefusal } from '../lint/write-gate.js';
import { formatFindingLines } from './finding-lines-format.js';
import type { Formatter } from './formatter.js';

const POSITIONS: Record<WriteRefusal['positions'], string> = {
  output: 'positions are in the result, which was not written',
  template: 'placed in the template',
};

export const writeRefusalFormatter: Formatter<WriteRefusal> = {
  name: 'text',
  render: (refusal) => {
    const count = `${refusal.errors} lint error${refusal.errors === 1 ? '' : 's'}`;
    return `edgewise ${refusal.command}: refused to write ${refusal.target}: ${refusal.subject} has ${count} (${POSITIONS[refusal.positions]}):\n${formatFindingLines(refusal.findings, 'error')}`;
  },
};
