import { readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { StatIndex, RACY_MS } from "../../src/cache/stat-index.js";
import { build } from "../../src/index.js";
import { loadAtoms } from "../../src/load/load-atoms.js";
import { resolveLayout } from "../../src/load/layout.js";
import { atomTextReader } from "../../src/load/read-atom-text.js";
import { AtomCache } from "../../src/cache/atom-cache.js";
import { atom, makeProject } from "../helpers.js";

const PROFILE = "output: guide.txt\nwrapper: GUIDE\nsections:\n  - tag: BASICS\n    atoms: [first, second]\n";
const FILES = {
  "profiles/guide.yaml": PROFILE,
  "atoms/first.md": atom({ id: "first", title: "First", brief: "The first idea." }, "Alpha bravo charlie."),
  "atoms/second.md": atom({ id: "second", title: "Second", brief: "The second idea." }, "Delta echo foxtrot."),
};

const output = (project: string) => readFileSync(path.join(project, "out/guide.txt"), "utf8");

/** A build, and the files it wrote, relative to the project. */
function buildWrites(project: string): string[] {
  const written: string[] = [];
  build({ cwd: project, afterWrite: (file) => written.push(path.relative(project, file)) });
  return written;
}

describe("the stat index", () => {
  it("trusts an entry only while the stat is the same and was taken well after the last change (racy-clean entries are hashed again)", () => {
    const project = makeProject(FILES);
    const file = path.join(project, "atoms/first.md");
    const stats = statSync(file);
    const index = new StatIndex();
    index.record(file, stats, "a".repeat(64), stats.mtimeMs + RACY_MS - 1);
    expect(index.sha256(file, stats)).toBeUndefined();
    index.record(file, stats, "a".repeat(64), stats.mtimeMs + RACY_MS + 1);
    expect(index.sha256(file, stats)).toBe("a".repeat(64));
    expect(index.sha256(file, { ...stats, size: stats.size + 1 } as typeof stats)).toBeUndefined();
    expect(index.sha256(file, { ...stats, mtimeMs: stats.mtimeMs + 1 } as typeof stats)).toBeUndefined();
    expect(index.sha256(file, { ...stats, ctimeMs: stats.ctimeMs + 1 } as typeof stats)).toBeUndefined();
    expect(index.sha256(file, { ...stats, ino: stats.ino + 1 } as typeof stats)).toBeUndefined();
    expect(index.sha256(path.join(project, "atoms/second.md"), stats)).toBeUndefined();
  });

  it("sees an atom edited within the same second with the same size and its mtime put back", () => {
    const project = makeProject(FILES);
    build({ cwd: project });
    expect(output(project)).toContain("Alpha bravo charlie.");
    const file = path.join(project, "atoms/first.md");
    const before = statSync(file);
    writeFileSync(file, readFileSync(file, "utf8").replace("Alpha bravo charlie.", "Alpha bravo CHARLIE."));
    utimesSync(file, before.atime, before.mtime);
    expect(statSync(file).size).toBe(before.size);

    build({ cwd: project });

    expect(output(project)).toContain("Alpha bravo CHARLIE.");
  });

  it("reads only the files whose stat changed; a file rewritten with the same bytes is known by its hash", () => {
    const project = makeProject(FILES);
    const layout = resolveLayout({ cwd: project });
    const files = new StatIndex();
    const cache = new AtomCache();
    loadAtoms(layout, cache, { files });
    // Make the first load's entries old enough to be trusted, as they are a while after a build.
    for (const name of ["first.md", "second.md"]) {
      const file = path.join(layout.atomsDir, name);
      files.record(file, statSync(file), files.entries().get(file)?.[4] ?? "", Date.now() + RACY_MS * 10);
    }
    const second = path.join(layout.atomsDir, "second.md");
    writeFileSync(second, readFileSync(second));

    const { atoms } = loadAtoms(layout, cache, { files });

    const unread = (id: string) => atoms.find((found) => found.id === id)?.text === undefined;
    expect(unread("first")).toBe(true);
    expect(unread("second")).toBe(false);
    const text = atomTextReader(layout, { atoms: cache, files });
    expect(atoms.map(text)).toEqual(["Alpha bravo charlie.", "Delta echo foxtrot."]);
  });

  it("a build after a file was rewritten with the same bytes writes the stat index alone", () => {
    const project = makeProject(FILES);
    build({ cwd: project });
    const before = output(project);
    const file = path.join(project, "atoms/second.md");
    writeFileSync(file, readFileSync(file));

    expect(buildWrites(project)).toEqual([".llmsgen-cache/files.json"]);
    expect(output(project)).toBe(before);
  });

  it("stops a run when a file the index vouched for changes before its text is read", () => {
    const project = makeProject(FILES);
    const layout = resolveLayout({ cwd: project });
    const files = new StatIndex();
    const cache = new AtomCache();
    loadAtoms(layout, cache, { files });
    const first = path.join(layout.atomsDir, "first.md");
    files.record(first, statSync(first), files.entries().get(first)?.[4] ?? "", Date.now() + RACY_MS * 10);
    const { atoms } = loadAtoms(layout, cache, { files });
    writeFileSync(first, readFileSync(first, "utf8").replace("Alpha", "Omega"));

    const text = atomTextReader(layout, { atoms: cache, files });
    expect(atoms[0]?.text).toBeUndefined();
    expect(() => atoms[0] && text(atoms[0])).toThrow("atoms/first.md changed on disk while llmsgen ran: nothing was written; run the command again");
  });
});
