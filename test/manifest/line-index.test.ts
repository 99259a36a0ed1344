import { describe, expect, it } from 'vitest';
import { LineIndex } from '../../src/manifest/line-index.js';

describe('LineIndex', () => {
  it('maps offsets to 1-based line and column for LF, CRLF and CR line ends', async () => {
    const text = 'ab\ncd\r\nef\rgh';
    const index = new LineIndex(text);
    expect(index.locate(0)).toEqual({ line: 1, column: 1 });
    expect(index.locate(text.indexOf('d'))).toEqual({ line: 2, column: 2 });
    expect(index.locate(text.indexOf('e'))).toEqual({ line: 3, column: 1 });
    expect(index.locate(text.indexOf('h'))).toEqual({ line: 4, column: 2 });
  });
});
