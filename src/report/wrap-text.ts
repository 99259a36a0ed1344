// Breaks text into lines of at most `width` characters at spaces, for the stylish report. A word
// longer than a line (a long route, a URL) gets a line of its own rather than being cut.

export function wrapText(text: string, width: number, firstWidth = width): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      const limit = lines.length === 0 ? firstWidth : width;
      if (line !== '' && line.length + 1 + word.length > limit) {
        lines.push(line);
        line = word;
      } else {
        line = line === '' ? word : `${line} ${word}`;
      }
    }
    lines.push(line);
  }
  return lines;
}
