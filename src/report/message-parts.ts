// Splits a finding's message into what is wrong (shown on the finding's line) and the rest, the
// why or what to do (shown on an indented line below it), for the stylish report. Rules write
// one sentence "<what is wrong>; <why or what to do>" (or two sentences), so the first "; ",
// else the first ". " before a capital letter, is the split; quoted values ("…", `…`) and
// asides in parentheses are never split. Other formats keep the message whole.

/** "e.g. HostConfig" does not end a sentence. */
const ABBREVIATION = /\b(e\.g|i\.e|etc|vs|cf)$/i;

export interface MessageParts {
  main: string;
  hint?: string;
}

export function splitMessage(message: string): MessageParts {
  let quote: string | undefined;
  let depth = 0;
  let sentenceEnd = -1;
  for (let index = 0; index < message.length; index++) {
    const char = message[index]!;
    if (quote) {
      if (char === '\\' && quote === '"') index++;
      else if (char === quote) quote = undefined;
      continue;
    }
    if (char === '"' || char === '`') quote = char;
    else if (char === '(') depth++;
    else if (char === ')') depth = Math.max(0, depth - 1);
    else if (depth > 0) continue;
    else if (char === ';' && message[index + 1] === ' ') return parts(message, index, index + 2);
    else if (char === '.' && sentenceEnd < 0 && message[index + 1] === ' ' && /[A-Z]/.test(message[index + 2] ?? '') && !ABBREVIATION.test(message.slice(0, index))) sentenceEnd = index;
  }
  return sentenceEnd >= 0 ? parts(message, sentenceEnd, sentenceEnd + 2) : { main: message };
}

function parts(message: string, end: number, hintStart: number): MessageParts {
  const main = message.slice(0, end).trimEnd();
  const hint = message.slice(hintStart).trim();
  return main && hint ? { main, hint } : { main: message };
}
