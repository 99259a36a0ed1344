import { describe, expect, it } from 'vitest';
import { countKeyTokens, mayHaveDuplicateKeys } from '../../src/manifest/json-fast.js';

describe('fast duplicate-key check', () => {
  it('counts keys but not colons inside strings or escaped quotes', async () => {
    const text = '{"a": "x:y", "b": {"c": "say \\"hi\\": now"}, "d": ["e:", "f"]}';
    expect(countKeyTokens(text)).toBe(4);
    expect(mayHaveDuplicateKeys(text, JSON.parse(text))).toBe(false);
  });

  it('notices a key given twice, at any depth', async () => {
    const text = '{"a": {"b": 1, "b": 2}}';
    expect(mayHaveDuplicateKeys(text, JSON.parse(text))).toBe(true);
  });
});
