import { parseDocument } from "yaml";

/** A YAML scalar for `text`: plain where that reads back unchanged, else double-quoted (always exact). */
export function yamlScalar(text: string): string {
  if (/^[A-Za-z][^\n#:]*$/.test(text) && text === text.trim()) {
    const check = parseDocument(`x: ${text}`);
    if (check.errors.length === 0 && check.get("x") === text) return text;
  }
  return JSON.stringify(text);
}
