import { parseDocument } from "yaml";

/** A YAML scalar for `text`: plain where that reads back unchanged, else double-quoted (always exact). */
export function yamlScalar(text: string): string {
  if (/^[A-Za-z][^\p{Cc}#:\u2028\u2029\uFEFF]*$/u.test(text) && text === text.trim()) {
    const check = parseDocument(`x: ${text}`);
    if (check.errors.length === 0 && check.get("x") === text) return text;
  }
  // JSON's escapes are YAML's; characters YAML may not hold raw (C1 controls, line separators, BOM) are escaped too.
  return JSON.stringify(text).replace(/[\u007F-\u009F\u2028\u2029\uFEFF]/g, (char) => `\\u${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`);
}
