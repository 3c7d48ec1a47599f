import path from "node:path";
import { describe, expect, it } from "vitest";
import { sha256 } from "../../src/hash.js";
import type { Atom, CheckedOutput, ComparedCheck, OutputToCheck, PlannedSection, Profile } from "../../src/model.js";
import { renderFile, renderSection } from "../../src/render/render-output.js";
import { adoptEdited } from "../../src/sync/adopt-edited.js";
import { adoptMoved, reorder } from "../../src/sync/adopt-moved.js";
import { adoptUnbacked, orderedNames } from "../../src/sync/adopt-unbacked.js";
import { checkOutput } from "../../src/sync/check-outputs.js";
import { insertSection, reorderSections, replaceIntro, sectionTagsOf } from "../../src/sync/edit-profile.js";
import { planAdoption, type AdoptionInput } from "../../src/sync/plan-adoption.js";
import { replaceAtomBody } from "../../src/sync/replace-atom-body.js";

// The adoption steps and the text edits under them, as pure functions: values in, values out.

const ROOT = "/project";
const ATOMS = `${ROOT}/atoms`;

function atomOf(id: string, text: string, dir = ""): Atom {
  return { id, title: id, brief: `${id} brief.`, tag: id.toUpperCase(), priority: 50, required: false, related: [], path: `${dir}${id}.md`, text, sha256: sha256(text), bodyLine: 5 };
}

function planned(tag: string, atoms: readonly Atom[], intro?: string, state: "full" | "brief" = "full"): PlannedSection {
  const text = renderSection(tag, intro, atoms.map((atom) => (state === "full" ? (atom.text ?? "") : atom.brief)));
  return { tag, ...(intro === undefined ? {} : { intro }), atoms: atoms.map((atom) => ({ atom, state, tokens: 1, required: false })), text, sha256: text === null ? null : sha256(text), tokens: 1 };
}

const KEYS = atomOf("keys", "Keys rotate.", "security/");
const AUDIT = atomOf("audit", "Changes are logged.", "security/");
const NOTES = atomOf("notes", "First note.");
const MORE = atomOf("more", "Second note.");

function checked(actual: string, options: { sections?: PlannedSection[]; include?: string[]; wrapper?: string } = {}): ComparedCheck {
  const sections = options.sections ?? [planned("KEYS", [KEYS], "Read first."), planned("AUDIT", [AUDIT]), planned("NOTES", [NOTES, MORE])];
  const profile: Profile = {
    name: "p",
    file: `${ROOT}/profiles/p.yaml`,
    output: "p.txt",
    encoding: "o200k_base",
    ...(options.wrapper === undefined ? {} : { wrapper: options.wrapper }),
    ...(options.include ? { include: options.include } : { sections: sections.map((section, index) => ({ tag: section.tag, atoms: [], required: false, line: index + 3 })) }),
    lines: {},
  };
  const expected = renderFile({ wrapper: options.wrapper }, sections.flatMap((section) => (section.text === null ? [] : [section.text])));
  const output: OutputToCheck = { file: "out/p.txt", profile, expected, actual, previous: undefined, atomTags: new Set(["KEYS", "AUDIT", "NOTES"]), sections };
  return checkOutput(output);
}

const BUILT = renderFile({}, [planned("KEYS", [KEYS], "Read first."), planned("AUDIT", [AUDIT]), planned("NOTES", [NOTES, MORE])].map((section) => section.text ?? ""));
const at = (check: ComparedCheck, kind: string) =>
  check.findings.filter((finding) => finding.kind === kind).map((finding) => {
    const section = check.parsed?.sections.find((candidate) => candidate.tag === finding.tag);
    return section ? { finding, checked: check, section } : { finding, checked: check };
  });

const context = { atoms: [KEYS, AUDIT, NOTES, MORE], atomsDir: ATOMS, text: (atom: Atom) => atom.text ?? "", exists: (file: string) => file === `${ATOMS}/security/revoke.md`, show: (file: string) => path.relative(ROOT, file) };

describe("adoptUnbacked", () => {
  it("makes one atom beside the nearest section's atoms, never over an existing file, and an entry after the section before it", () => {
    const check = checked(BUILT.replace("<AUDIT>", "<REVOKE>\nRevoke leaked keys.\n</REVOKE>\n\n<AUDIT>"));
    const result = adoptUnbacked(at(check, "unbacked"), context);
    expect({ atoms: result.atoms.map(({ file, id, tag, text }) => ({ file, id, tag, text })), inserts: result.inserts.map(({ tag, atomId, after }) => ({ tag, atomId, after })), skipped: result.skipped }).toEqual({
      atoms: [{ file: `${ATOMS}/security/revoke-2.md`, id: "revoke", tag: "REVOKE", text: "Revoke leaked keys." }],
      inserts: [{ tag: "REVOKE", atomId: "revoke", after: ["KEYS"] }],
      skipped: [],
    });
  });

  it("gives a taken id a suffix, and skips a section whose edges an atom cannot hold", () => {
    const check = checked(`${BUILT}\n<KEYS_OLD>\nOld.\n</KEYS_OLD>\n\n<EMPTY>\n\n</EMPTY>\n`);
    const result = adoptUnbacked(at(check, "unbacked"), { ...context, atoms: [...context.atoms, atomOf("keys-old", "Taken.")] });
    expect({ ids: result.atoms.map((atom) => atom.id), skipped: result.skipped.map(({ tag, reason }) => ({ tag, reason })) }).toEqual({
      ids: ["keys-old-2"],
      skipped: [{ tag: "EMPTY", reason: "the section is empty: an atom needs text" }],
    });
  });

  it("for an include profile, places the atom where path order keeps its place, or skips it", () => {
    // Include sections follow path order: security/audit.md, then security/keys.md.
    const sections = [planned("AUDIT", [AUDIT]), planned("KEYS", [KEYS])];
    const built = renderFile({}, sections.map((section) => section.text ?? ""));
    const placed = (text: string) => adoptUnbacked(at(checked(text, { sections, include: ["security/*.md"] }), "unbacked"), context);
    const last = placed(`${built}\n<ZONE>\nLast.\n</ZONE>\n`);
    const first = placed(`<ABOUT>\nFirst.\n</ABOUT>\n\n${built}`);
    const between = placed(built.replace("<KEYS>", "<ZONE>\nBetween.\n</ZONE>\n\n<KEYS>"));
    expect({ last: last.atoms[0]?.file, first: first.atoms[0]?.file, skipped: [...last.skipped, ...first.skipped] }).toEqual({
      last: `${ATOMS}/security/zone.md`,
      first: `${ATOMS}/security/about.md`,
      skipped: [],
    });
    expect(between.skipped.map(({ tag, reason }) => ({ tag, reason }))).toEqual([
      { tag: "ZONE", reason: "the new atom atoms/security/zone.md would be put at another position by this profile's include globs: add a glob, or create the atom by hand where path order places it as it stands in the file" },
    ]);
  });
});

describe("orderedNames: a new atom's file name that path order puts between its neighbours", () => {
  it("takes a number between two prefixes, after the last, or before the first, keeping their width", () => {
    expect(orderedNames("notes", "guides/10-intro.md", "guides/20-setup.md")).toEqual(["15-notes.md"]);
    expect(orderedNames("notes", "020-setup.md", undefined)).toEqual(["030-notes.md"]);
    expect(orderedNames("notes", "21-setup.md", undefined)).toEqual(["22-notes.md"]);
    expect(orderedNames("notes", undefined, "08-setup.md")).toEqual(["04-notes.md"]);
  });

  it("takes a letter where no number fits, and nothing where the neighbours carry no prefix", () => {
    expect(orderedNames("notes", "07-intro.md", "08-setup.md")).toEqual(["07b-notes.md"]);
    expect(orderedNames("notes", "07b-intro.md", "08-setup.md")).toEqual(["07c-notes.md"]);
    expect(orderedNames("notes", "intro.md", "setup.md")).toEqual([]);
    expect(orderedNames("notes", undefined, "00-setup.md")).toEqual([]);
  });
});

describe("adoptEdited", () => {
  it("splits an edit back into the one atom it touches, and the leading paragraph into the intro", () => {
    const check = checked(BUILT.replace("Read first.", "Read this first.").replace("Second note.", "Second note, edited."));
    const result = adoptEdited([...at(check, "drift")], context);
    expect({ texts: result.texts.map(({ file, text }) => ({ file, text })), intros: result.intros.map(({ tag, intro }) => ({ tag, intro })), skipped: result.skipped }).toEqual({
      texts: [{ file: `${ATOMS}/more.md`, text: "Second note, edited." }],
      intros: [{ tag: "KEYS", intro: "Read this first." }],
      skipped: [],
    });
  });

  it("skips an edit spanning two atoms, and an atom rendered as its brief", () => {
    const spanning = checked(BUILT.replace("First note.", "First, edited.").replace("Second note.", "Second, edited."));
    const briefSections = [planned("KEYS", [KEYS], undefined, "brief")];
    const brief = checked("<KEYS>\nkeys brief, edited.\n</KEYS>\n", { sections: briefSections });
    expect([...adoptEdited(at(spanning, "drift"), context).skipped, ...adoptEdited(at(brief, "drift"), context).skipped].map(({ tag, reason }) => ({ tag, reason }))).toEqual([
      { tag: "NOTES", reason: "the edit spans several of its atoms (notes, more), or adds text between two of them, and cannot be split back unambiguously: edit those atoms by hand" },
      { tag: "KEYS", reason: "atom keys is rendered as its brief here: edit the brief in its frontmatter by hand" },
    ]);
  });

  it("reports a finding that changes nothing it could carry, instead of dropping it silently", () => {
    const check = checked(BUILT.replace("Second note.", "Second note, edited."));
    const [edited] = at(check, "drift");
    if (!edited?.section) throw new Error("the fixture has a drift section");
    const unchanged = BUILT.slice(BUILT.indexOf("<NOTES>"), BUILT.indexOf("</NOTES>") + "</NOTES>".length);
    const result = adoptEdited([{ ...edited, section: { ...edited.section, text: unchanged } }], context);
    expect({ texts: result.texts, intros: result.intros, skipped: result.skipped.map(({ tag, reason }) => ({ tag, reason })) }).toEqual({
      texts: [],
      intros: [],
      skipped: [{ tag: "NOTES", reason: "adoption reads this section as its atoms and intro already stand, so it has nothing to carry: compare the section with what a build writes" }],
    });
  });
});

describe("adoptMoved and reorder", () => {
  it("reorders the tags the file holds in the slots they hold, leaving the others", () => {
    expect(reorder(["A", "B", "C", "D"], ["C", "A"])).toEqual(["C", "B", "A", "D"]);
    expect(reorder(["A", "B"], ["B", "A", "NEW"])).toEqual(["B", "A"]);
  });

  it("gives a sections profile the file's order, and skips an include profile naming the files to rename", () => {
    const swapped = BUILT.replace(/<KEYS>[\s\S]*?<\/KEYS>\n\n(<AUDIT>[\s\S]*?<\/AUDIT>)/, (_, audit: string) => `${audit}\n\n${BUILT.slice(0, BUILT.indexOf("</KEYS>") + 7)}`);
    const sectionsProfile = adoptMoved(at(checked(swapped), "moved"), (relative) => `atoms/${relative}`);
    const sections = [planned("AUDIT", [AUDIT]), planned("KEYS", [KEYS])];
    const includeSwap = checked(renderFile({}, [sections[1]?.text ?? "", sections[0]?.text ?? ""]), { sections, include: ["security/*.md"] });
    const includeProfile = adoptMoved(at(includeSwap, "moved"), (relative) => `atoms/${relative}`);
    expect({ orders: sectionsProfile.orders.map(({ tags }) => tags), skipped: includeProfile.skipped.map(({ tag, reason }) => ({ tag, reason })) }).toEqual({
      orders: [["AUDIT", "KEYS", "NOTES"]],
      skipped: [{ tag: "KEYS", reason: "this profile orders its sections by the atoms' paths (include:): rename or move atoms/security/keys.md so that path order puts <KEYS> first, as in the file" }],
    });
  });
});

describe("planAdoption: merging the steps into one list of writes", () => {
  const files: Record<string, string> = {
    [`${ROOT}/profiles/p.yaml`]: "output: p.txt\nsections:\n  - tag: KEYS\n    intro: Read first.\n    atoms: [keys]\n  - tag: AUDIT\n    atoms: [audit]\n  - tag: NOTES\n    atoms: [notes, more]\n",
    [`${ATOMS}/security/keys.md`]: "---\nid: keys\n---\nKeys rotate.\n",
    [`${ATOMS}/more.md`]: "---\nid: more\n---\n\nSecond note.\n\n",
  };
  const input = (checks: CheckedOutput[], sections: string[] = []): AdoptionInput => ({
    checks,
    atoms: context.atoms,
    atomsDir: ATOMS,
    text: context.text,
    sections: new Set(sections),
    read: (file) => files[file] ?? `(no file ${file})`,
    exists: () => false,
    show: context.show,
  });

  it("one value with every write's bytes before and after, sorted by path; nothing read twice", () => {
    const check = checked(`${BUILT.replace("Second note.", "Second note, edited.")}\n<REVOKE>\nRevoke.\n</REVOKE>\n`);
    const plan = planAdoption(input([check], ["NOTES"]));
    expect({ writes: plan.writes.map(({ shown, before, after, note }) => ({ shown, before: before === null ? null : before.length, after, note })), skipped: plan.skipped }).toEqual({
      writes: [
        { shown: "atoms/more.md", before: files[`${ATOMS}/more.md`]?.length, after: "---\nid: more\n---\n\nSecond note, edited.\n\n", note: "text of <NOTES> from out/p.txt:11" },
        { shown: "atoms/revoke.md", before: null, after: "---\nid: revoke\ntitle: Revoke\nbrief: Revoke.\ntag: REVOKE\n---\nRevoke.\n", note: "new atom for <REVOKE> from out/p.txt:17" },
        {
          shown: "profiles/p.yaml",
          before: files[`${ROOT}/profiles/p.yaml`]?.length,
          after: `${files[`${ROOT}/profiles/p.yaml`]}  - tag: REVOKE\n    atoms: [revoke]\n`,
          note: "section REVOKE added",
        },
      ],
      skipped: [],
    });
  });

  it("every finding it cannot carry is a skip with its reason, never a silent no-op: drift unnamed, conflict, stray, malformed", () => {
    const check = checked(`${BUILT.replace("Second note.", "Second note, edited.")}Stray text.\n<BROKEN>\n`);
    expect(planAdoption(input([check])).skipped.map(({ kind, tag, reason }) => ({ kind, tag, reason: reason.split(":")[0] }))).toEqual([
      { kind: "drift", tag: "NOTES", reason: "no manifest tells whether the file or the atoms are newer" },
      { kind: "stray", tag: undefined, reason: "the output format has no place for this in atoms or profiles" },
      { kind: "malformed", tag: "BROKEN", reason: "broken section structure" },
    ]);
  });

  it("two outputs that edit one atom differently are both skipped; the same new section in two outputs is one atom", () => {
    const one = checked(BUILT.replace("Second note.", "Second, one way.").replace("<AUDIT>", "<NEW>\nSame.\n</NEW>\n\n<AUDIT>"));
    const two = { ...checked(BUILT.replace("Second note.", "Second, another way.").replace("<AUDIT>", "<NEW>\nSame.\n</NEW>\n\n<AUDIT>")) };
    const plan = planAdoption(input([one, { ...two, output: { ...two.output, file: "out/q.txt" }, findings: two.findings.map((finding) => ({ ...finding, file: "out/q.txt" })) }], ["NOTES"]));
    expect({ created: plan.writes.filter((write) => write.before === null).map((write) => write.shown), skipped: plan.skipped.map(({ file, reason }) => `${file}: ${reason}`) }).toEqual({
      created: ["atoms/security/new.md"],
      skipped: [
        "out/p.txt: atoms/more.md was edited differently in out/p.txt:15 and out/q.txt:15: make the edits agree, then adopt again",
        "out/q.txt: atoms/more.md was edited differently in out/p.txt:15 and out/q.txt:15: make the edits agree, then adopt again",
      ],
    });
  });
});

describe("profile edits keep the rest of the file byte for byte", () => {
  const PROFILE = "# top\noutput: p.txt\nsections: # the list\n  # first\n  - tag: A\n    atoms: [a]   # inline\n\n  - tag: B\n    intro: Old intro.\n    atoms: [b]\n\n  - tag: C\n    atoms: [\"c/*.md\"]\n";

  it("reorderSections moves each entry's own lines and keeps blank lines and comments between entries in place", () => {
    expect(reorderSections(PROFILE, ["C", "A", "B"])).toBe(
      "# top\noutput: p.txt\nsections: # the list\n  # first\n  - tag: C\n    atoms: [\"c/*.md\"]\n\n  - tag: A\n    atoms: [a]   # inline\n\n  - tag: B\n    intro: Old intro.\n    atoms: [b]\n",
    );
    expect(reorderSections(PROFILE, ["A", "B", "C"])).toBe(PROFILE);
  });

  it("reorderSections falls back to the yaml Document API for a flow list, keeping the data", () => {
    const flow = "output: p.txt\nsections: [{ tag: A, atoms: [a] }, { tag: B, atoms: [b] }]\n";
    expect(sectionTagsOf(reorderSections(flow, ["B", "A"]))).toEqual(["B", "A"]);
  });

  it("insertSection turns an empty flow list into a block list, keeping the line's comment", () => {
    expect(insertSection("output: p.txt\nsections: []   # to fill\nwrapper: W\n", 0, "NEW", "new")).toBe("output: p.txt\nsections: # to fill\n  - tag: NEW\n    atoms: [new]\nwrapper: W\n");
  });

  it("insertSection puts entries at the top, in the middle and at the end", () => {
    expect(sectionTagsOf(insertSection(PROFILE, 0, "TOP", "top"))).toEqual(["TOP", "A", "B", "C"]);
    expect(sectionTagsOf(insertSection(PROFILE, 2, "MID", "mid"))).toEqual(["A", "B", "MID", "C"]);
    expect(insertSection(PROFILE, 3, "END", "end")).toBe(`${PROFILE}  - tag: END\n    atoms: [end]\n`);
  });

  it("replaceIntro changes only the intro's value", () => {
    expect(replaceIntro(PROFILE, "B", "New intro: with a colon.")).toBe(PROFILE.replace("intro: Old intro.", 'intro: "New intro: with a colon."'));
  });
});

describe("replaceAtomBody keeps every byte around the body", () => {
  it.each([
    ["LF", "---\nid: a\n---\n\nOld text.\n\n", "---\nid: a\n---\n\nNew\ntext.\n\n"],
    ["CRLF and a BOM", "\uFEFF---\r\nid: a\r\n---\r\nOld text.\r\n", "\uFEFF---\r\nid: a\r\n---\r\nNew\r\ntext.\r\n"],
    ["lone CR", "---\rid: a\r---\rOld text.\r", "---\rid: a\r---\rNew\rtext.\r"],
    ["no final newline", "---\nid: a # note\n---\nOld text.", "---\nid: a # note\n---\nNew\ntext."],
  ])("%s", (_, raw, want) => {
    expect(replaceAtomBody(raw, "New\ntext.")).toBe(want);
  });
});

describe("yamlScalar: a brief or title written into a new atom's frontmatter reads back exactly", () => {
  it("quotes and escapes CR, tabs, C1 controls, line separators and a BOM; leaves plain text plain", async () => {
    const { parse } = await import("yaml");
    const { yamlScalar } = await import("../../src/sync/yaml-scalar.js");
    expect(yamlScalar("Install it.")).toBe("Install it.");
    expect(yamlScalar("a\rb")).toBe('"a\\rb"');
    for (const text of ["a\rb", "a\tb", "a\u0085b", "a\u2028b", "a\uFEFFb", "key: value", "# not a comment", "a\u0000b"]) {
      expect(parse(`brief: ${yamlScalar(text)}\n`)).toEqual({ brief: text });
    }
  });
});

describe("splitBody: an edited section of several atoms back into them", () => {
  it("gives an edit inside one atom to that atom, and text added at an edge of the section to the atom there", async () => {
    const { splitBody } = await import("../../src/sync/adoptable-text.js");
    expect(splitBody("A\n\nB changed", ["A", "B"])).toEqual(["A", "B changed"]);
    expect(splitBody("New.\n\nA\n\nB", ["A", "B"])).toEqual(["New.\n\nA", "B"]);
    expect(splitBody("A\n\nB\n\nNew.", ["A", "B"])).toEqual(["A", "B\n\nNew."]);
  });

  it("a paragraph added between two atoms could belong to either: ambiguous", async () => {
    const { splitBody } = await import("../../src/sync/adoptable-text.js");
    expect(splitBody("A\n\nNew.\n\nB", ["A", "B"])).toBeUndefined();
    expect(splitBody("A\n\nB\n\nNew.\n\nC", ["A", "B", "C"])).toBeUndefined();
    expect(splitBody("A\n\nNew.\n\nB\n\nC", ["A", "B", "C"])).toBeUndefined();
  });
});

describe("readBackProblem: every atom file adopt writes must load back as the section's text", () => {
  it("passes a file that does, and names one that would not read back or not load", async () => {
    const { atomFile, readBackProblem } = await import("../../src/sync/adoptable-text.js");
    expect(readBackProblem(atomFile("notes", "NOTES", "Keep notes.\n\nShort ones."), "Keep notes.\n\nShort ones.", "atoms/notes.md", "notes.md")).toBeUndefined();
    expect(readBackProblem(atomFile("notes", "NOTES", "a\rb"), "a\rb", "atoms/notes.md", "notes.md")).toBe(
      "the atom file atoms/notes.md that adopt would write would not read back as the section's text: carry the section into an atom by hand",
    );
    expect(readBackProblem("---\nid: notes\ntitle: Notes\nbrief: a\rb\ntag: NOTES\n---\nab\n", "ab", "atoms/notes.md", "notes.md")).toMatch(
      /^the atom file atoms\/notes\.md that adopt would write does not load \(.+\): carry the section into an atom by hand$/,
    );
  });
});
