const quote = 0x22;
const backslash = 0x5c;

/** Index just past the string that opens at `start` (a `"`), or -1 if it never closes. */
function pastString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === backslash) i++;
    else if (c === quote) return i + 1;
  }
  return -1;
}

/**
 * The first member name that appears twice in the top-level object of JSON `text`, if any.
 * JSON.parse keeps the last value silently; the body schemas only look at the top level (a
 * nested value is refused anyway), so that is where a repeat would change what is stored.
 * Text that is not JSON gives undefined: the parser reports it.
 */
export function repeatedTopLevelName(text: string): string | undefined {
  const names = new Set<string>();
  let depth = 0;
  let inObject = false;
  let expectName = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = pastString(text, i);
      if (end < 0) return undefined;
      if (inObject && depth === 1 && expectName) {
        let name: unknown;
        try {
          name = JSON.parse(text.slice(i, end));
        } catch {
          return undefined;
        }
        if (typeof name !== 'string') return undefined;
        if (names.has(name)) return name;
        names.add(name);
        expectName = false;
      }
      i = end - 1;
    } else if (c === '{' || c === '[') {
      depth++;
      if (depth === 1) {
        inObject = c === '{';
        expectName = inObject;
      }
    } else if (c === '}' || c === ']') {
      depth--;
    } else if (c === ',' && depth === 1) {
      expectName = inObject;
    }
  }
  return undefined;
}
