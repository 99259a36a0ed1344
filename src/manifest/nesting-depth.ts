// Documents nested thousands of levels deep overflow the stack of any recursive walk. IoT Hub
// refuses twins nested deeper than 10 levels anyway, so such input gets one clear finding
// instead of an internal error. Only used after a stack overflow, so its cost never matters.
import type { PendingFinding } from '../findings.js';

export const REPORTED_DEPTH = 100;

/** Offset of the bracket that opens level `limit + 1`, outside strings (JSON and flow YAML). */
export function excessDepthOffset(text: string, limit = REPORTED_DEPTH): number {
  let depth = 0;
  let inString: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (inString) {
      if (char === '\\') i++;
      else if (char === inString) inString = undefined;
    } else if (char === '"') inString = char;
    else if (char === '{' || char === '[') {
      if (++depth > limit) return i;
    } else if (char === '}' || char === ']') depth--;
  }
  return 0;
}

export function tooDeepFinding(text: string): PendingFinding {
  return {
    ruleId: 'parse',
    severity: 'error',
    message: `the document nests so deeply that edgewise cannot follow it (IoT Hub refuses twins nested deeper than 10 levels); flatten the structure that starts here`,
    pointer: '',
    offset: excessDepthOffset(text),
  };
}

export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}
