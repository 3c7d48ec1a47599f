/**
 * Profile entries that are globs: anything with `/`, `*`, `?` or `[`, or
 * ending in `.md`. Anything else is an atom id.
 */
export function isGlob(entry: string): boolean {
  return /[/*?[]/.test(entry) || entry.endsWith(".md");
}

/** True when a glob could reach outside its base (`..` segments or an absolute path). */
export function leavesBase(pattern: string): boolean {
  return pattern.startsWith("/") || /^[A-Za-z]:/.test(pattern) || pattern.split("/").includes("..");
}

/**
 * Compiles a glob over `/`-separated relative paths: `*` and `?` stay within
 * one segment, `**` spans any depth, `[…]` is a character class (`[!…]` negated).
 */
export function globToRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === "*") {
      if (pattern[i + 1] === "*") {
        const atSegmentStart = i === 0 || pattern[i - 1] === "/";
        if (atSegmentStart && pattern[i + 2] === "/") {
          source += "(?:[^/]*/)*";
          i += 2;
        } else {
          source += ".*";
          i += 1;
        }
      } else {
        source += "[^/]*";
      }
    } else if (char === "?") {
      source += "[^/]";
    } else if (char === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end === -1) {
        source += "\\[";
      } else {
        let body = pattern.slice(i + 1, end);
        if (body.startsWith("!")) body = `^${body.slice(1)}`;
        source += `[${body.replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else {
      source += char.replace(/[.+^${}()|\\]/g, "\\$&");
    }
  }
  return new RegExp(`^${source}$`);
}
