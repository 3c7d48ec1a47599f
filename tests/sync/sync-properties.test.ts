import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { resolveLayout } from "../../src/load/layout.js";
import type { OutputToCheck, SyncReport } from "../../src/model.js";
import { outputsToCheck, plannedOutputs } from "../../src/outputs-to-check.js";
import { parseOutput } from "../../src/render/parse-output.js";
import { checkOutput } from "../../src/sync/check-outputs.js";
import { atom, makeProject, runCli, snapshotTree, loadAndPlan } from "../helpers.js";

// ---- random atom texts: paragraphs and code fences full of tag-like lines ---

const WORDS = ["sign", "verify", "the", "key", "before", "every", "release", "<KEYS>", "a<b>", "`</GUIDE>`", "数据", "naïve", "$HOME", "->", "42", "e.g."];
/** Never a whole tag line: a build refuses atoms with those outside code fences. */
const sentence = fc
  .array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 7 })
  .map((words) => words.join(" "))
  .filter((line) => !/^<\/?[A-Z][A-Z0-9_]*>$/.test(line));
const proseLine = fc.tuple(fc.constantFrom("", "- ", "## ", "> ", "1. ", "**Note:** "), sentence).map(([lead, words]) => lead + words);
const tagLike = fc.tuple(fc.constantFrom("<", "</"), fc.constantFrom("GUIDE", "KEYS", "AUDIT", "BUNDLE", "ATOM_1", "X")).map(([open, tag]) => `${open}${tag}>`);
const fence = fc
  .tuple(
    fc.constantFrom(["```", "```"], ["```sh", "```"], ["~~~", "~~~"], ["````md", "````"]),
    fc.array(fc.oneof(tagLike, proseLine, fc.constant(""), fc.constant("```js")), { minLength: 1, maxLength: 4 }),
  )
  .map(([[open, close], lines]) => [open, ...lines.filter((line) => !(open === "```" || open === "```sh") || !line.startsWith("```")), close].join("\n"));
const paragraph = fc.array(proseLine, { minLength: 1, maxLength: 3 }).map((lines) => lines.join("\n"));
const atomText = fc.array(fc.oneof({ arbitrary: paragraph, weight: 3 }, { arbitrary: fence, weight: 2 }), { minLength: 1, maxLength: 3 }).map((blocks) => blocks.join("\n\n"));

// ---- random corpora and profiles ---------------------------------------------

const DIRS = ["", "guides/", "guides/deep/", "misc/"];
const SECTION_TAGS = ["GUIDE", "KEYS", "AUDIT", "NET", "SIGN_VERIFY", "ENV_GUARDS"];

interface CorpusAtom {
  id: string;
  path: string;
  file: string;
}

interface Corpus {
  files: Record<string, string>;
  atoms: CorpusAtom[];
}

const corpusArb: fc.Arbitrary<Corpus> = fc
  .array(
    fc.record({
      dir: fc.constantFrom(...DIRS),
      tag: fc.option(fc.constantFrom("GUIDE", "KEYS", "AUDIT"), { nil: undefined }),
      text: atomText,
      brief: sentence,
      priority: fc.integer({ min: 0, max: 100 }),
    }),
    { minLength: 1, maxLength: 6 },
  )
  .map((drafts) => {
    const files: Record<string, string> = {};
    const atoms = drafts.map((draft, index) => {
      const id = `atom-${index}`;
      const atomPath = `${draft.dir}${index}-note.md`;
      // Atom 0 is required and short, so that no budget can leave a profile empty.
      const fields: Record<string, string | number | boolean> =
        index === 0 ? { id, title: "Anchor", brief: "Anchor.", required: true } : { id, title: `Note ${index}`, brief: draft.brief, priority: draft.priority };
      if (draft.tag !== undefined) fields.tag = draft.tag;
      files[`atoms/${atomPath}`] = atom(fields, index === 0 ? "Keep this." : draft.text);
      return { id, path: atomPath, file: `atoms/${atomPath}` };
    });
    return { files, atoms };
  });

const wrapperArb = fc.option(fc.constantFrom("BUNDLE", "LLMS_CONTEXT"), { nil: undefined });
const introArb = fc.option(sentence, { nil: undefined, freq: 2 });

/** A `sections:` profile: atom 0 in the first section; every other atom in one section or none, named by id or path. */
function sectionsProfile(corpus: Corpus, output: string): fc.Arbitrary<string> {
  return fc
    .record({
      wrapper: wrapperArb,
      budget: fc.option(fc.integer({ min: 80, max: 400 }), { nil: undefined }),
      tags: fc.shuffledSubarray(SECTION_TAGS, { minLength: 1, maxLength: 3 }),
      intros: fc.array(introArb, { minLength: 3, maxLength: 3 }),
      budgets: fc.array(fc.option(fc.integer({ min: 5, max: 60 }), { nil: undefined }), { minLength: 3, maxLength: 3 }),
      places: fc.array(fc.integer({ min: -1, max: 2 }), { minLength: corpus.atoms.length, maxLength: corpus.atoms.length }),
      byPath: fc.array(fc.boolean(), { minLength: corpus.atoms.length, maxLength: corpus.atoms.length }),
      encoding: fc.constantFrom("o200k_base", "o200k_base", "cl100k_base"),
    })
    .map(({ wrapper, budget, tags, intros, budgets, places, byPath, encoding }) => {
      const lines = [`output: ${output}`, `encoding: ${encoding}`];
      if (wrapper) lines.push(`wrapper: ${wrapper}`);
      if (budget !== undefined) lines.push(`budget: ${budget}`);
      lines.push("sections:");
      tags.forEach((tag, section) => {
        const refs = corpus.atoms
          .filter((_, index) => (index === 0 ? section === 0 : (places[index] as number) % tags.length === section && (places[index] as number) >= 0))
          .map((entry) => (byPath[corpus.atoms.indexOf(entry)] ? JSON.stringify(entry.path) : entry.id));
        if (refs.length === 0) return;
        lines.push(`  - tag: ${tag}`);
        if (intros[section] !== undefined) lines.push(`    intro: ${JSON.stringify(intros[section])}`);
        if (section > 0 && budgets[section] !== undefined) lines.push(`    budget: ${budgets[section]}`);
        lines.push(`    atoms: [${refs.join(", ")}]`);
      });
      return `${lines.join("\n")}\n`;
    });
}

/** An `include:` profile over the directories in use, always reaching atom 0, globs overlapping at times. */
function includeProfile(corpus: Corpus, output: string): fc.Arbitrary<string> {
  const dirs = [...new Set(corpus.atoms.map((entry) => entry.path.slice(0, entry.path.lastIndexOf("/") + 1)))];
  const globs = dirs.flatMap((dir) => [`${dir}*.md`, `${dir}**/*.md`]);
  const anchor = `${(corpus.atoms[0] as CorpusAtom).path.slice(0, (corpus.atoms[0] as CorpusAtom).path.lastIndexOf("/") + 1)}*.md`;
  return fc
    .record({ wrapper: wrapperArb, budget: fc.option(fc.integer({ min: 80, max: 400 }), { nil: undefined }), globs: fc.subarray(globs), everything: fc.boolean() })
    .map(({ wrapper, budget, globs: chosen, everything }) => {
      const include = [...new Set([anchor, ...chosen, ...(everything ? ["**/*.md"] : [])])];
      const lines = [`output: ${output}`];
      if (wrapper) lines.push(`wrapper: ${wrapper}`);
      if (budget !== undefined) lines.push(`budget: ${budget}`);
      lines.push(`include: [${include.map((glob) => JSON.stringify(glob)).join(", ")}]`);
      return `${lines.join("\n")}\n`;
    });
}

const projectArb: fc.Arbitrary<Record<string, string>> = corpusArb.chain((corpus) =>
  fc.array(fc.boolean(), { minLength: 1, maxLength: 2 }).chain((forms) =>
    fc
      .tuple(...forms.map((include, index) => (include ? includeProfile : sectionsProfile)(corpus, index === 0 ? "llms.txt" : "more/llms-full.txt")))
      .map((profiles) => ({
        ...corpus.files,
        ...Object.fromEntries(profiles.map((profile, index) => [`profiles/p${index}.yaml`, profile])),
      })),
  ),
);

describe("sync-check: no false alarms", () => {
  it("30 random projects (sections and include profiles, wrappers, intros, budgets): build, then sync-check is clean", async () => {
    await fc.assert(
      fc.asyncProperty(projectArb, async (files) => {
        const project = makeProject(files);

        const build = await runCli(["build"], { cwd: project });
        expect({ code: build.code, stderr: build.stderr }).toEqual({ code: 0, stderr: "" });

        const check = await runCli(["sync-check", "--format", "json"], { cwd: project });
        const report = JSON.parse(check.stdout) as SyncReport;
        expect({ code: check.code, stderr: check.stderr, ok: report.ok, findings: report.files.flatMap((file) => file.findings) }).toEqual({
          code: 0,
          stderr: "",
          ok: true,
          findings: [],
        });
      }),
      { seed: 7031, numRuns: 30 },
    );
  });
});

describe("sync-check: no false alarms from text a build writes outside atom bodies", () => {
  /** A build either refuses the input (exit 2) or writes a file that its own sync-check reads back clean. */
  async function buildThenCheck(files: Record<string, string>): Promise<void> {
    const project = makeProject(files);
    const build = await runCli(["build"], { cwd: project });
    if (build.code !== 0) {
      expect(build.code).toBe(2);
      return;
    }
    const check = await runCli(["sync-check", "--format", "json"], { cwd: project });
    expect((JSON.parse(check.stdout) as SyncReport).files.flatMap((file) => file.findings)).toEqual([]);
  }

  // A brief that reads as a tag line would corrupt every output it is degraded into: build
  // refuses it (exit 2), or the output it writes checks clean.
  it("a brief that reads as a tag line, rendered under a budget", async () => {
    await buildThenCheck({
      "atoms/long.md": atom({ id: "long", title: "Long", brief: "</KEYS>", priority: 1 }, "A long text that cannot fit the small budget of this section, however it is counted."),
      "atoms/short.md": atom({ id: "short", title: "Short", brief: "Short.", required: true }, "Keep this."),
      "profiles/p.yaml": "output: p.txt\nsections:\n  - tag: KEYS\n    budget: 16\n    atoms: [short, long]\n",
    });
  });

  // Likewise an intro line that reads as a tag line.
  it("an intro with a line that reads as a tag line", async () => {
    await buildThenCheck({
      "atoms/short.md": atom({ id: "short", title: "Short", brief: "Short." }, "Keep this."),
      "profiles/p.yaml": "output: p.txt\nsections:\n  - tag: KEYS\n    intro: |\n      Read this first.\n      </KEYS>\n    atoms: [short]\n",
    });
  });
});

// ---- no misses: every byte-changing edit of a built file is noticed ---------

const FIXTURE = {
  "atoms/keys/rotation.md": atom(
    { id: "key-rotation", title: "Key rotation", brief: "Rotate keys on a schedule." },
    "Rotate signing keys every ninety days.\n\nKeep the retired key for one week.",
  ),
  "atoms/keys/storage.md": atom({ id: "key-storage", title: "Key storage", brief: "Keys live in the vault." }, "Private keys live in the vault, never on disk."),
  "atoms/format.md": atom(
    { id: "format", title: "Format", brief: "How sections look." },
    ["Sections are written like this:", "", "```text", "<AUDIT>", "Logged.", "</AUDIT>", "```", "", "~~~", "</KEYS>", "~~~"].join("\n"),
  ),
  "atoms/audit.md": atom({ id: "audit-log", title: "Audit log", brief: "Log every change." }, "- every change is logged\n- with its author"),
  "profiles/sec.yaml": [
    "output: security.txt",
    "wrapper: SECURITY",
    "sections:",
    "  - tag: KEYS",
    "    intro: How keys are handled.",
    "    atoms: [key-rotation, key-storage]",
    "  - tag: FORMAT",
    "    atoms: [format]",
    "  - tag: AUDIT",
    "    atoms: [audit-log]",
    "",
  ].join("\n"),
};

type Edit =
  | { op: "change-char" | "insert-char"; line: number; column: number; char: string }
  | { op: "delete-char"; line: number; column: number }
  | { op: "insert-line"; line: number; text: string }
  | { op: "delete-line" | "duplicate-line"; line: number };

const CHARS = ["a", "Z", " ", "\t", "\n", "\r", "<", ">", "/", "`", "~", "_", "é", "\uFEFF"];
const LINES = ["", " ", "text", "<KEYS>", "</KEYS>", "<NEW>", "</NEW>", "</AUDIT>", "<SECURITY>", "</SECURITY>", "```", "~~~", "<FORMAT>"];

/** Positions are fractions, mapped onto the file, so that short tag lines and blank lines are hit as often as long ones. */
const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constantFrom("change-char" as const, "insert-char" as const), line: fc.nat(), column: fc.nat(), char: fc.constantFrom(...CHARS) }),
  fc.record({ op: fc.constant("delete-char" as const), line: fc.nat(), column: fc.nat() }),
  fc.record({ op: fc.constant("insert-line" as const), line: fc.nat(), text: fc.constantFrom(...LINES) }),
  fc.record({ op: fc.constantFrom("delete-line" as const, "duplicate-line" as const), line: fc.nat() }),
);

/** Applies one edit to a file; a line's "\n" counts as its last character. */
function applyEdit(text: string, edit: Edit): string {
  const lines = text.split(/(?<=\n)/);
  if (edit.op === "insert-line") {
    const at = edit.line % (lines.length + 1);
    return [...lines.slice(0, at), `${edit.text}\n`, ...lines.slice(at)].join("");
  }
  const at = edit.line % lines.length;
  const line = lines[at] as string;
  const replace = (...by: string[]) => [...lines.slice(0, at), ...by, ...lines.slice(at + 1)].join("");
  if (!("column" in edit)) return edit.op === "duplicate-line" ? replace(line, line) : replace();
  if (!("char" in edit)) {
    const column = edit.column % line.length;
    return replace(line.slice(0, column) + line.slice(column + 1));
  }
  const column = edit.column % (line.length + (edit.op === "insert-char" ? 1 : 0));
  return replace(line.slice(0, column) + edit.char + line.slice(edit.op === "insert-char" ? column : column + 1));
}

describe("sync-check: no misses", () => {
  it("700 random single edits of a built file (chars and lines, tag and blank lines included): each one that changes the bytes gets a finding", async () => {
    const project = makeProject(FIXTURE);
    expect((await runCli(["build"], { cwd: project })).code).toBe(0);
    const built = readFileSync(path.join(project, "out/security.txt"), "utf8");

    // What sync-check would hand the classifier, taken from the real build.
    const { project: loaded, plan } = loadAndPlan(resolveLayout({ root: project }));
    const first = plan.plans[0];
    if (!first) throw new Error("the fixture has one profile");
    const packed = plan.texts.plan(first);
    const base: Omit<OutputToCheck, "actual"> = {
      file: "out/security.txt",
      profile: packed.profile,
      expected: packed.text,
      previous: loaded.manifest?.outputs[packed.profile.output],
      atomTags: new Set(loaded.atoms.map((entry) => entry.tag)),
      sections: packed.sections,
    };
    const classifyOutput = (output: OutputToCheck) => checkOutput(output).findings;
    expect({ expected: base.expected, previous: base.previous !== undefined, findings: classifyOutput({ ...base, actual: built }) }).toEqual({
      expected: built,
      previous: true,
      findings: [],
    });

    let changed = 0;
    let unchanged = 0;
    fc.assert(
      fc.property(editArb, (edit) => {
        const actual = applyEdit(built, edit);
        if (actual === built) {
          unchanged++;
          return;
        }
        changed++;
        const findings = classifyOutput({ ...base, actual });
        expect(findings.length, JSON.stringify({ edit, actual })).toBeGreaterThan(0);
      }),
      { seed: 424242, numRuns: 700 },
    );
    // Most edits change the file; the count is what the test name promises, give or take the no-ops.
    expect({ total: changed + unchanged, changedAtLeast500: changed >= 500 }).toEqual({ total: 700, changedAtLeast500: true });
  });
});

// ---- no misses under compound edits: 2 to 5 edits at once on random projects ----

type CompoundEdit =
  | { op: "swap" | "move"; a: number; b: number }
  | { op: "duplicate" | "delete" | "case"; a: number }
  | { op: "append-outside"; a: number }
  | { op: "blank-lines"; a: number; count: number }
  | { op: "fence"; a: number; char: string };

const compoundEditArb: fc.Arbitrary<CompoundEdit> = fc.oneof(
  fc.record({ op: fc.constantFrom("swap" as const, "move" as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ op: fc.constantFrom("duplicate" as const, "delete" as const, "case" as const), a: fc.nat() }),
  fc.record({ op: fc.constant("append-outside" as const), a: fc.nat() }),
  fc.record({ op: fc.constant("blank-lines" as const), a: fc.nat(), count: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ op: fc.constant("fence" as const), a: fc.nat(), char: fc.constantFrom("`", "~", " ", "x") }),
);

/** Applies one edit to a file's lines, finding its sections with the parser; an edit with nothing to act on inserts a blank line. */
function applyCompound(text: string, edit: CompoundEdit, wrapper: string | undefined): string {
  const lines = text.endsWith("\n") ? text.slice(0, -1).split("\n") : text.split("\n");
  const parsed = parseOutput(text, wrapper === undefined ? {} : { wrapper });
  const blocks = parsed.sections.map((section) => ({ from: section.open - 1, to: section.close }));
  const join = (result: readonly string[]) => `${result.join("\n")}\n`;
  const pick = (n: number) => blocks[n % Math.max(blocks.length, 1)];
  const block = pick(edit.a);
  const insideEnd = parsed.wrapper?.close !== undefined ? parsed.wrapper.close - 1 : lines.length;
  if (edit.op === "blank-lines" || !block) {
    const at = edit.a % (lines.length + 1);
    return join([...lines.slice(0, at), ...new Array<string>(edit.op === "blank-lines" ? edit.count : 1).fill(""), ...lines.slice(at)]);
  }
  const body = lines.slice(block.from, block.to);
  const without = (): string[] => {
    const rest = [...lines.slice(0, block.from), ...lines.slice(block.to)];
    if (rest[block.from] === "") rest.splice(block.from, 1);
    else if (rest[block.from - 1] === "") rest.splice(block.from - 1, 1);
    return rest;
  };
  switch (edit.op) {
    case "delete":
      return join(without());
    case "duplicate":
      return join([...lines.slice(0, block.to), "", ...body, ...lines.slice(block.to)]);
    case "case": {
      const open = body[0] ?? "";
      const mixed = open.replace(/<([A-Z])([A-Z0-9_]*)>/, (_, first: string, rest: string) => `<${first}${rest.toLowerCase()}>`);
      const changed = mixed === open ? open.toLowerCase() : mixed;
      return join([...lines.slice(0, block.from), changed, ...lines.slice(block.from + 1)]);
    }
    case "append-outside":
      return join([...lines, "", `<EXTRA_${edit.a % 3}>`, "Written by hand after everything.", `</EXTRA_${edit.a % 3}>`]);
    case "fence": {
      const at = body.findIndex((line) => /^ {0,3}(```|~~~)/.test(line));
      const index = block.from + (at === -1 ? 1 : at);
      return join([...lines.slice(0, index), `${lines[index] ?? ""}${edit.char}`, ...lines.slice(index + 1)]);
    }
    case "swap": {
      const other = pick(edit.b);
      if (!other || other === block) return join([...lines.slice(0, block.from), ...lines.slice(block.from, block.to).reverse(), ...lines.slice(block.to)]);
      const [first, second] = block.from < other.from ? [block, other] : [other, block];
      return join([
        ...lines.slice(0, first.from),
        ...lines.slice(second.from, second.to),
        ...lines.slice(first.to, second.from),
        ...lines.slice(first.from, first.to),
        ...lines.slice(second.to),
      ]);
    }
    case "move": {
      const rest = without();
      const target = edit.b % (blocks.length + 1);
      const before = blocks[target];
      // Before another section (its lines shift once this one is taken out), or at the end of the wrapper's inside.
      const at = before === undefined || before === block ? insideEnd - (block.to - block.from) - 1 : before.from > block.from ? before.from - (block.to - block.from) - 1 : before.from;
      const place = Math.max(0, Math.min(at, rest.length));
      return join([...rest.slice(0, place), ...body, "", ...rest.slice(place)]);
    }
  }
}

/** The built file with the sections of these tags deleted, as the delete edit does it. */
function deleteSections(text: string, tags: readonly (string | undefined)[], wrapper: string | undefined): string {
  return tags.reduce<string>((current, tag) => {
    const index = parseOutput(current, wrapper === undefined ? {} : { wrapper }).sections.findIndex((section) => section.tag === tag);
    return index === -1 ? `${current}(no section ${tag} to delete)` : applyCompound(current, { op: "delete", a: index }, wrapper);
  }, text);
}

describe("sync-check: no misses under compound edits", () => {
  it("1,000 random compound edits (2 to 5 of swap, move, duplicate, delete, append outside the wrapper, tag case, blank lines, fence) of 20 random projects: each changed output has a blocking finding, or only missing ones when the edits together only deleted whole sections; one per project through a real build, which refuses and leaves the tree byte for byte", async () => {
    let changed = 0;
    let cases = 0;
    let throughBuild = 0;
    let deletionsOnly = 0;
    await fc.assert(
      fc.asyncProperty(projectArb, fc.array(compoundEditArb, { minLength: 2, maxLength: 5 }), async (files, diskEdits) => {
        const project = makeProject(files);
        expect((await runCli(["build"], { cwd: project })).code).toBe(0);
        const { project: loaded, plan } = loadAndPlan(resolveLayout({ root: project }));
        const outputs = outputsToCheck(loaded, plannedOutputs(plan), plan.texts, { compareAll: true });

        fc.assert(
          fc.property(fc.nat(), fc.array(compoundEditArb, { minLength: 2, maxLength: 5 }), (which, edits) => {
            cases++;
            const output = outputs[which % outputs.length];
            if (!output || output.actual === null) throw new Error("every output was just built");
            const wrapper = output.profile.wrapper;
            const edited = edits.reduce((text, edit) => applyCompound(text, edit, wrapper), output.actual);
            if (edited === output.actual) return;
            changed++;
            const findings = checkOutput({ ...output, actual: edited }).findings;
            const context = JSON.stringify({ edits, edited });
            expect(findings.length, context).toBeGreaterThan(0);
            const blocking = findings.filter((finding) => finding.kind !== "stale" && finding.kind !== "missing");
            if (blocking.length > 0) return;
            // No blocking finding: then the edits, taken together, only deleted whole sections, which a build restores.
            deletionsOnly++;
            const missing = findings.map((finding) => (finding.kind === "missing" ? finding.tag : `not missing: ${finding.kind}`));
            expect(edited, context).toBe(deleteSections(output.actual, missing, wrapper));
          }),
          { seed: 5150, numRuns: 50 },
        );

        // One compound edit per project through a real build: it refuses and writes nothing.
        const output = outputs[0];
        if (!output || output.actual === null) return;
        const edited = diskEdits.reduce((text, edit) => applyCompound(text, edit, output.profile.wrapper), output.actual);
        const blocking = checkOutput({ ...output, actual: edited }).findings.filter((finding) => finding.kind !== "stale" && finding.kind !== "missing");
        if (edited === output.actual || blocking.length === 0) return;
        writeFileSync(path.join(project, output.file), edited);
        const before = snapshotTree(project);
        const build = await runCli(["build"], { cwd: project });
        expect({ code: build.code, context: { diskEdits, edited } }).toEqual({ code: 1, context: { diskEdits, edited } });
        expect(snapshotTree(project)).toEqual(before);
        throughBuild++;
      }),
      { seed: 8086, numRuns: 20 },
    );
    expect({ cases, changedAtLeast900: changed >= 900, throughBuildAtLeast15: throughBuild >= 15, deletionsOnlyAtMost100: deletionsOnly <= 100 }).toEqual({
      cases: 1000,
      changedAtLeast900: true,
      throughBuildAtLeast15: true,
      deletionsOnlyAtMost100: true,
    });
  });
});
