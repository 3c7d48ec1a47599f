/**
 * Natural path order: runs of ASCII digits compare as numbers,
 * everything else by Unicode code point, with no locale involved
 * (`2-x.md` before `10-x.md`; U+FFFD before U+1F600, which UTF-16 units
 * would put the other way round). Equal numbers written differently (`01`,
 * `1`) fall back to code points, so the order is total: only equal strings
 * compare as 0.
 */
export function naturalCompare(a: string, b: string): number {
  const left = a.match(RUNS) ?? [];
  const right = b.match(RUNS) ?? [];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i] ?? "";
    const y = right[i] ?? "";
    if (x === y) continue;
    if (isDigits(x) && isDigits(y)) {
      const byValue = compareDigits(x, y);
      if (byValue !== 0) return byValue;
    }
    return compareCodePoints(x, y);
  }
  return left.length - right.length || compareCodePoints(a, b);
}

/** Compares two strings code point by code point (a shorter prefix first). */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Only where a surrogate meets a unit above the surrogates do UTF-16 units and code points disagree.
    if (isSurrogate(x) !== isSurrogate(y) && Math.max(x, y) >= 0xe000) return isSurrogate(x) ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

const RUNS = /[0-9]+|[^0-9]+/g;

function isSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdfff;
}

function isDigits(text: string): boolean {
  const code = text.charCodeAt(0);
  return code >= 48 && code <= 57;
}

/** Compares digit runs by value without overflowing on long runs. */
function compareDigits(x: string, y: string): number {
  const a = x.replace(/^0+(?=[0-9])/, "");
  const b = y.replace(/^0+(?=[0-9])/, "");
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
