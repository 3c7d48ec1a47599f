import { describe, expect, it } from "vitest";
import { sha256 } from "../../src/hash.js";
import { FINDING_KINDS, REBUILDABLE_KINDS, type Atom, type ManifestOutput, type OutputToCheck, type PlannedSection, type Profile } from "../../src/model.js";
import { renderFile, renderSection } from "../../src/render/render-output.js";
import { changeKind } from "../../src/sync/change-kind.js";
import { checkOutput, handWritten } from "../../src/sync/check-outputs.js";
import { longestIncreasing, movedSections } from "../../src/sync/section-order.js";

// The classifier in memory: no files, no CLI.

function atomOf(id: string, text: string): Atom {
  return { id, title: id, brief: `${id}.`, tag: id.toUpperCase(), priority: 50, required: false, related: [], path: `${id}.md`, text, sha256: sha256(text), bodyLine: 5 };
}

function sectionOf(tag: string, text: string): PlannedSection {
  const atom = atomOf(tag.toLowerCase(), text);
  const rendered = renderSection(tag, undefined, [text]);
  return { tag, atoms: [{ atom, state: "full", tokens: 1, required: false }], text: rendered, sha256: rendered === null ? null : sha256(rendered), tokens: 1 };
}

const PROFILE: Profile = { name: "p", file: "/project/profiles/p.yaml", output: "p.txt", wrapper: "W", encoding: "o200k_base", sections: [], lines: {} };
const SECTIONS = [sectionOf("A", "Alpha."), sectionOf("B", "Beta."), sectionOf("C", "Gamma.")];
const EXPECTED = renderFile({ wrapper: "W" }, SECTIONS.map((section) => section.text ?? ""));

function manifestOf(text: string, sections: readonly PlannedSection[]): ManifestOutput {
  return { profile: "p", encoding: "o200k_base", tokens: 3, sha256: sha256(text), sections: sections.map((section) => ({ tag: section.tag, sha256: section.sha256 ?? null, tokens: 1, atoms: [] })) };
}

function output(actual: string | null, previous: ManifestOutput | undefined = manifestOf(EXPECTED, SECTIONS)): OutputToCheck {
  return { file: "out/p.txt", profile: PROFILE, expected: EXPECTED, actual, previous, atomTags: new Set(["A", "B", "C", "OTHER"]), sections: SECTIONS };
}

const kinds = (actual: string, previous?: ManifestOutput) => checkOutput(output(actual, previous)).findings.map(({ kind, tag, line }) => ({ kind, tag, line }));
const file = (...blocks: string[]) => `<W>\n\n${blocks.join("\n\n")}\n\n</W>\n`;
const A = "<A>\nAlpha.\n</A>";
const B = "<B>\nBeta.\n</B>";
const C = "<C>\nGamma.\n</C>";

describe("changeKind: the one decision of which side changed", () => {
  it.each([
    ["no record of the last build", "x", "y", undefined, "drift"],
    ["a record of a section left out", "x", "y", null, "drift"],
    ["the file changed, the sources did not", "x", "y", "y", "edited"],
    ["the sources changed, the file did not", "x", "y", "x", "stale"],
    ["both changed", "x", "y", "z", "conflict"],
  ] as const)("%s: %s", (_, actual, expected, last, kind) => {
    expect(changeKind(actual, expected, last)).toBe(kind);
  });
});

describe("handWritten: what a build refuses to overwrite", () => {
  it.each(FINDING_KINDS.map((kind) => [kind, !REBUILDABLE_KINDS.includes(kind)] as const))("%s: refused %s", (kind, refused) => {
    const check = { file: "out/p.txt", profile: "p", findings: [{ kind, file: "out/p.txt", line: 1, message: kind }] };
    expect(handWritten([check])).toEqual(refused ? [check] : []);
  });

  it("refuses exactly drift, edited, conflict, moved, unbacked, extra, stray and malformed; only stale and missing are rebuilt", () => {
    expect(FINDING_KINDS.filter((kind) => !REBUILDABLE_KINDS.includes(kind))).toEqual(["unbacked", "edited", "conflict", "drift", "moved", "extra", "stray", "malformed"]);
  });
});

describe("checkOutput", () => {
  it("a file equal to the build has no finding; a missing file one untagged missing finding", () => {
    expect(checkOutput(output(EXPECTED)).findings).toEqual([]);
    expect(checkOutput(output(null)).findings).toEqual([{ kind: "missing", file: "out/p.txt", line: 1, message: "the output does not exist: run llmsgen build to write it" }]);
  });

  it("a swap is one moved finding, at the section out of the build's order", () => {
    expect(kinds(file(B, A, C))).toEqual([{ kind: "moved", tag: "B", line: 3 }]);
    expect(kinds(file(C, A, B))).toEqual([{ kind: "moved", tag: "C", line: 3 }]);
  });

  it("a moved section whose text was also edited is edited and moved", () => {
    expect(kinds(file(A, "<C>\nGamma, edited.\n</C>", B))).toEqual([
      { kind: "edited", tag: "C", line: 7 },
      { kind: "moved", tag: "C", line: 7 },
    ]);
  });

  it("a section after the wrapper's closing line is one finding: moved when the build writes it, unbacked when nothing backs it", () => {
    expect(kinds(`${file(A, B)}\n${C}\n`)).toEqual([{ kind: "moved", tag: "C", line: 13 }]);
    expect(kinds(`${file(A, B, C)}\n<NEW>\nWritten.\n</NEW>\n`)).toEqual([{ kind: "unbacked", tag: "NEW", line: 17 }]);
    expect(kinds(`<NEW>\nWritten.\n</NEW>\n\n${file(A, B, C)}`)).toEqual([{ kind: "unbacked", tag: "NEW", line: 1 }]);
  });

  it("a file whose bytes equal its last build holds only stale findings, whatever changed in the profile", () => {
    const oldBuild = file(C, B, "<X>\nOld.\n</X>");
    const findings = checkOutput(output(oldBuild, manifestOf(oldBuild, []))).findings;
    expect(findings.map(({ kind, tag, line }) => ({ kind, tag, line }))).toEqual([
      { kind: "stale", tag: "C", line: 3 },
      { kind: "missing", tag: "A", line: 3 },
      { kind: "stale", tag: "X", line: 11 },
    ]);
    expect(handWritten([{ file: "out/p.txt", profile: "p", findings }])).toEqual([]);
  });

  it("the same file with one byte more than its last build is a hand edit again", () => {
    const oldBuild = file(C, B, "<X>\nOld.\n</X>");
    const findings = checkOutput(output(`${oldBuild}\n`, manifestOf(oldBuild, []))).findings;
    expect(handWritten([{ file: "out/p.txt", profile: "p", findings }]).flatMap((check) => check.findings.map((finding) => finding.kind))).toEqual(["moved", "unbacked", "stray"]);
  });

  it("an index is judged as a whole file with the same decision", () => {
    const index: OutputToCheck = { ...output("# Docs\n\nEdited.\n"), profile: { ...PROFILE, index: { title: "Docs", summary: "s", heading: "h", optional: [] } }, expected: "# Docs\n\nBuilt.\n", sections: [] };
    const last = (text: string): ManifestOutput => ({ profile: "p", encoding: "o200k_base", tokens: 1, sha256: sha256(text), sections: [] });
    expect(checkOutput({ ...index, previous: last("# Docs\n\nBuilt.\n") }).findings.map(({ kind, line }) => ({ kind, line }))).toEqual([{ kind: "edited", line: 3 }]);
    expect(checkOutput({ ...index, previous: last("# Docs\n\nEdited.\n") }).findings.map(({ kind }) => kind)).toEqual(["stale"]);
    expect(checkOutput({ ...index, previous: last("# Docs\n\nOlder.\n") }).findings.map(({ kind }) => kind)).toEqual(["conflict"]);
    expect(checkOutput({ ...index, previous: undefined }).findings.map(({ kind }) => kind)).toEqual(["drift"]);
  });

  it("returns the parse of the normalised text (no BOM, LF line ends) for adoption", () => {
    const checked = checkOutput(output(`\uFEFF${file(A, B, C, "<NEW>\nWritten.\n</NEW>")}`.replace(/\n/g, "\r\n")));
    expect({ kinds: checked.findings.map(({ kind, tag }) => ({ kind, tag })), tags: checked.parsed?.sections.map((section) => section.tag) }).toEqual({
      kinds: [
        { kind: "stray", tag: undefined },
        { kind: "stray", tag: undefined },
        { kind: "unbacked", tag: "NEW" },
      ],
      tags: ["A", "B", "C", "NEW"],
    });
  });
});

describe("movedSections and longestIncreasing", () => {
  it("keeps one longest run in the build's order and moves the rest", () => {
    expect([...longestIncreasing([0, 2, 1, 3])].sort()).toEqual([0, 2, 3]);
    expect([...longestIncreasing([3, 2, 1, 0])]).toHaveLength(1);
    expect([...longestIncreasing([])]).toEqual([]);
  });

  it("names the section a build writes right before the moved one", () => {
    const sections = [
      { tag: "B", open: 1, close: 3, text: B },
      { tag: "A", open: 5, close: 7, text: A },
      { tag: "C", open: 9, close: 11, text: C },
    ];
    expect(movedSections(sections, ["A", "B", "C"], undefined).map(({ section, where, after }) => ({ tag: section.tag, where, after }))).toEqual([{ tag: "B", where: "order", after: "A" }]);
  });

  it("stays linear on 100,000 sections in reverse order: all but one moved", () => {
    const tags = Array.from({ length: 100_000 }, (_, index) => `T${index}`);
    const sections = [...tags].reverse().map((tag, index) => ({ tag, open: index * 4 + 1, close: index * 4 + 3, text: "" }));
    expect(movedSections(sections, tags, undefined)).toHaveLength(99_999);
  });
});
