/**
 * Puts new text into an atom file's body while keeping every byte of its
 * frontmatter, its BOM, its line-end style and the white space around the body.
 * `raw` is the file as read, undecoded line ends included.
 */
export function replaceAtomBody(raw: string, text: string): string {
  const bom = raw.startsWith("\uFEFF") ? "\uFEFF" : "";
  const content = raw.slice(bom.length);
  const eol = /\r\n/.test(content) ? "\r\n" : /\r/.test(content) ? "\r" : "\n";
  // The closing delimiter is the second line that is exactly '---' (loading refused anything else).
  const lines = content.split(eol);
  const close = lines.findIndex((line, index) => index > 0 && line === "---");
  if (close === -1) throw new Error("atom frontmatter has no closing '---' line");
  const head = lines.slice(0, close + 1).join(eol) + eol;
  const body = content.slice(head.length);
  const leading = /^\s*/.exec(body)?.[0] ?? "";
  const trailing = body.length === leading.length ? "" : (/\s*$/.exec(body)?.[0] ?? "");
  return bom + head + leading + text.split("\n").join(eol) + trailing;
}
