// Replaces template parameters (see template-catalogue.ts): every occurrence of a parameter's
// default in a string value becomes its new value, in one pass so that a new value is never
// replaced again. Inside a createOptions string the new value sits in a JSON string within
// JSON text, so it is written JSON-escaped there (a Windows path's backslashes stay valid).

export interface Replacement {
  from: string;
  to: string;
}

const CREATE_OPTIONS_KEY = /^createoptions(\d\d)?$/i;

/** Mutates `root`; returns how many times each `from` was found. */
export function fillParameters(root: unknown, replacements: readonly Replacement[]): Map<string, number> {
  const counts = new Map(replacements.map((replacement) => [replacement.from, 0]));
  if (replacements.length === 0) return counts;
  const byText = new Map(replacements.map((replacement) => [replacement.from, replacement.to]));
  const pattern = new RegExp(
    [...byText.keys()]
      .sort((a, b) => b.length - a.length)
      .map((text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('|'),
    'g',
  );
  const replace = (text: string, escape: boolean): string =>
    text.replace(pattern, (found) => {
      counts.set(found, (counts.get(found) ?? 0) + 1);
      const to = byText.get(found)!;
      return escape ? JSON.stringify(to).slice(1, -1) : to;
    });
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => {
        if (typeof item === 'string') node[index] = replace(item, false);
        else visit(item);
      });
    } else if (node !== null && typeof node === 'object') {
      const object = node as Record<string, unknown>;
      for (const [key, value] of Object.entries(object)) {
        if (typeof value === 'string') object[key] = replace(value, CREATE_OPTIONS_KEY.test(key));
        else visit(value);
      }
    }
  };
  visit(root);
  return counts;
}
