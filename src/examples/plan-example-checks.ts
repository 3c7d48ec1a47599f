import { naturalCompare } from "../load/natural-compare.js";
import type { Atom, AtomTextOf, ExampleCheck, ExampleChecker, ResolvedProfile } from "../model.js";
import { findCodeBlocks, languageOf } from "./find-code-blocks.js";

/**
 * Every fenced code block of the profiles' atoms whose language has a checker
 * for that profile (`checkersOf`, each with the file that configures it), each
 * (block, command) pair once, in atom path and line order. `atoms` names each
 * atom's file as messages show it, and gives its text.
 */
export function planExampleChecks(
  profiles: readonly ResolvedProfile[],
  atoms: { fileOf: (atom: Atom) => string; text: AtomTextOf },
  checkersOf: (resolved: ResolvedProfile) => readonly { checker: ExampleChecker; profile: string }[],
): ExampleCheck[] {
  const checks = new Map<string, ExampleCheck & { path: string }>();
  for (const resolved of profiles) {
    const checkers = checkersOf(resolved);
    if (checkers.length === 0) continue;
    for (const section of resolved.sections) {
      for (const atom of section.atoms) {
        for (const block of findCodeBlocks(atoms.text(atom))) {
          const language = languageOf(block);
          for (const { checker, profile } of checkers.filter((candidate) => candidate.checker.language === language)) {
            const line = atom.bodyLine + block.line - 1;
            const key = [atom.path, line, ...checker.command].join("\0");
            if (checks.has(key)) continue;
            checks.set(key, { path: atom.path, file: atoms.fileOf(atom), atomId: atom.id, line, language, info: block.info, body: block.body, checker, profile });
          }
        }
      }
    }
  }
  return [...checks.values()]
    .sort((a, b) => naturalCompare(a.path, b.path) || a.line - b.line)
    .map(({ path: _path, ...check }) => check);
}
