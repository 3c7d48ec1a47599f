import { existsSync, readFileSync, symlinkSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { atom, makeProject, runCli, snapshotTree, writeFiles } from "../helpers.js";

/** A profile that puts the atom `a` in one section: enough to make every atom below load. */
const ONE_SECTION = "output: a.txt\nsections:\n  - tag: A\n    atoms: [a]\n";

/** Two valid atoms the profile cases below refer to. */
const TWO_ATOMS = {
  "atoms/signing/sign-verify.md": atom({ id: "sign-verify", title: "Sign and verify", brief: "Signing in one line." }, "How templates get signed."),
  "atoms/audit/audit-ledger.md": atom({ id: "audit-ledger", title: "Audit ledger", brief: "The ledger in one line." }, "What the ledger records."),
};

/**
 * Runs `llmsgen build` in a fresh project and asserts the refusal a user sees:
 * exit 2, nothing on stdout, exactly `stderr`, and not one file written.
 */
async function expectRefused(files: Record<string, string>, stderr: string): Promise<string> {
  const project = makeProject(files);
  const before = snapshotTree(project);
  const run = await runCli(["build"], { cwd: project });
  expect(run).toEqual({ code: 2, stdout: "", stderr });
  expect(snapshotTree(project)).toEqual(before);
  expect(existsSync(path.join(project, "out"))).toBe(false);
  return project;
}

function atomFile(frontmatter: string, body = "Some text.\n"): string {
  return `---\n${frontmatter}---\n${body}`;
}

describe("build refuses a bad atom", () => {
  it("never evaluates a ---js frontmatter block", async () => {
    const project = makeProject({ "profiles/p.yaml": ONE_SECTION });
    const trace = path.join(project, "PWNED");
    const code = `{ title: require("fs").writeFileSync(${JSON.stringify(trace)}, "x") }`;
    writeFiles(project, { "atoms/a.md": `---js\n${code}\n---\nbody\n` });
    const before = snapshotTree(project);

    const run = await runCli(["build"], { cwd: project });

    expect(run).toEqual({
      code: 2,
      stdout: "",
      stderr: "atoms/a.md:1: frontmatter language 'js' is refused: only YAML frontmatter is read (first line exactly '---'); the block was not evaluated\n",
    });
    expect(existsSync(trace)).toBe(false);
    expect(snapshotTree(project)).toEqual(before);
  });

  it.each(["json", "coffee", "javascript", "toml"])("refuses ---%s frontmatter", async (language) => {
    await expectRefused(
      { "atoms/a.md": `---${language}\n{"id": "a", "title": "A", "brief": "b"}\n---\nbody\n`, "profiles/p.yaml": ONE_SECTION },
      `atoms/a.md:1: frontmatter language '${language}' is refused: only YAML frontmatter is read (first line exactly '---'); the block was not evaluated\n`,
    );
  });

  it("refuses a file without frontmatter", async () => {
    await expectRefused(
      { "atoms/a.md": "# Just a heading\n\nNo frontmatter here.\n", "profiles/p.yaml": ONE_SECTION },
      "atoms/a.md:1: expected YAML frontmatter: the file must start with a line '---', then id, title and brief, then '---'\n",
    );
  });

  it("refuses frontmatter that is never closed instead of swallowing the file", async () => {
    await expectRefused(
      { "atoms/a.md": "---\nid: a\ntitle: A\nbrief: b\n\nThe body starts here.\n", "profiles/p.yaml": ONE_SECTION },
      "atoms/a.md:1: frontmatter is never closed: add a line '---' after its last key\n",
    );
  });

  it("refuses a closing line '--- trailing'", async () => {
    await expectRefused(
      { "atoms/a.md": "---\nid: a\ntitle: A\nbrief: b\n--- trailing\nThe body.\n", "profiles/p.yaml": ONE_SECTION },
      "atoms/a.md:5: the closing frontmatter delimiter must be exactly '---', got '--- trailing'\n",
    );
  });

  it("refuses invalid YAML, naming its line", async () => {
    await expectRefused(
      { "atoms/a.md": atomFile("id: a\ntitle: Guards: the basics\nbrief: b\n"), "profiles/p.yaml": ONE_SECTION },
      "atoms/a.md:3: invalid YAML: Nested mappings are not allowed in compact mappings\n",
    );
  });

  it("refuses a key written twice", async () => {
    await expectRefused(
      { "atoms/a.md": atomFile("id: a\ntitle: A\nid: a\nbrief: b\n"), "profiles/p.yaml": ONE_SECTION },
      "atoms/a.md:4: invalid YAML: Map keys must be unique\n",
    );
  });

  it("lists every missing required key at once", async () => {
    await expectRefused(
      { "atoms/a.md": atomFile("tag: GUARDS\n"), "profiles/p.yaml": ONE_SECTION },
      ["atoms/a.md:1: frontmatter.id is required", "atoms/a.md:1: frontmatter.title is required", "atoms/a.md:1: frontmatter.brief is required", ""].join("\n"),
    );
  });

  it.each([
    ["id", "title: A\nbrief: b\n"],
    ["title", "id: a\nbrief: b\n"],
    ["brief", "id: a\ntitle: A\n"],
  ])("refuses an atom without %s", async (key, frontmatter) => {
    await expectRefused(
      { "atoms/a.md": atomFile(frontmatter), "profiles/p.yaml": ONE_SECTION },
      `atoms/a.md:1: frontmatter.${key} is required\n`,
    );
  });

  it("refuses an id that is not kebab-case", async () => {
    await expectRefused(
      { "atoms/a.md": atomFile("title: A\nid: Sign_Verify\nbrief: b\n"), "profiles/p.yaml": ONE_SECTION },
      "atoms/a.md:3: frontmatter.id must be kebab-case like 'sign-verify', got \"Sign_Verify\"\n",
    );
  });

  it("refuses a tag that is not UPPER_SNAKE", async () => {
    await expectRefused(
      { "atoms/a.md": atomFile("id: a\ntitle: A\nbrief: b\ntag: sign-verify\n"), "profiles/p.yaml": ONE_SECTION },
      "atoms/a.md:5: frontmatter.tag must be UPPER_SNAKE like 'SIGN_VERIFY', got \"sign-verify\"\n",
    );
  });

  it.each(["101", "-1", "2.5"])("refuses priority %s", async (priority) => {
    await expectRefused(
      { "atoms/a.md": atomFile(`id: a\ntitle: A\nbrief: b\npriority: ${priority}\n`), "profiles/p.yaml": ONE_SECTION },
      `atoms/a.md:5: frontmatter.priority must be a whole number from 0 to 100, got ${priority}\n`,
    );
  });

  it("refuses one id in two files, naming both", async () => {
    await expectRefused(
      {
        "atoms/one.md": atomFile("id: a\ntitle: First\nbrief: b\n"),
        "atoms/sub/two.md": atomFile("title: Second\nid: a\nbrief: b\n"),
        "profiles/p.yaml": ONE_SECTION,
      },
      "atoms/sub/two.md:3: duplicate atom id 'a', also used by atoms/one.md: ids must be unique\n",
    );
  });

  it("refuses a line that would read as a section tag, naming the atom's line", async () => {
    await expectRefused(
      { "atoms/a.md": atomFile("id: a\ntitle: A\nbrief: b\n", "\nGuards run first.\n</GUARDS>\nThen the rest.\n"), "profiles/p.yaml": ONE_SECTION },
      "atoms/a.md:8: line '</GUARDS>' would read as a section tag in every output: indent it, or put it inside a code fence\n",
    );
  });

  it("refuses a code fence that never closes", async () => {
    await expectRefused(
      { "atoms/a.md": atomFile("id: a\ntitle: A\nbrief: b\n", "An example:\n\n```js\nconst x = 1;\n"), "profiles/p.yaml": ONE_SECTION },
      "atoms/a.md:8: code fence '```js' never closes: add a closing fence line, or the rest of every output would read as code\n",
    );
  });

  it("refuses a symbolic link that leads outside the atoms dir", async () => {
    const project = makeProject({
      "atoms/a.md": atomFile("id: a\ntitle: A\nbrief: b\n"),
      "private/secret.md": atomFile("id: secret\ntitle: Secret\nbrief: b\n", "Not for the bundle.\n"),
      "profiles/p.yaml": ONE_SECTION,
    });
    symlinkSync(path.join(project, "private/secret.md"), path.join(project, "atoms/secret.md"));
    const before = snapshotTree(project);

    const run = await runCli(["build"], { cwd: project });

    expect(run).toEqual({ code: 2, stdout: "", stderr: "atoms/secret.md: symbolic link leads outside the atoms dir: atoms must stay inside it\n" });
    expect(snapshotTree(project)).toEqual(before);
    expect(existsSync(path.join(project, "out"))).toBe(false);
  });
});

describe("build accepts what looks odd but is valid", () => {
  it("reads an atom with a BOM and CRLF line ends, and writes LF without a BOM", async () => {
    const project = makeProject({
      "atoms/a.md": "\uFEFF---\r\nid: a\r\ntitle: A\r\nbrief: b\r\n---\r\n\r\nFirst line.\r\nSecond line.\r\n",
      "profiles/p.yaml": ONE_SECTION,
    });

    const run = await runCli(["build"], { cwd: project });

    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(readFileSync(path.join(project, "out/a.txt"), "latin1")).toBe("<A>\nFirst line.\nSecond line.\n</A>\n");
  });

  it("keeps `updated: 2026-01-05` a string, so the atom is valid", async () => {
    const project = makeProject({ "atoms/a.md": atomFile("id: a\ntitle: A\nbrief: b\nupdated: 2026-01-05\n", "Dated text.\n"), "profiles/p.yaml": ONE_SECTION });

    const run = await runCli(["build"], { cwd: project });

    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(readFileSync(path.join(project, "out/a.txt"), "utf8")).toBe("<A>\nDated text.\n</A>\n");
  });

  it("builds a tag line that sits inside a code fence", async () => {
    const project = makeProject({
      "atoms/a.md": atomFile("id: a\ntitle: A\nbrief: b\n", "A closing tag in an example:\n\n```\n</GUARDS>\n```\n"),
      "profiles/p.yaml": ONE_SECTION,
    });

    const run = await runCli(["build"], { cwd: project });

    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(readFileSync(path.join(project, "out/a.txt"), "utf8")).toBe("<A>\nA closing tag in an example:\n\n```\n</GUARDS>\n```\n</A>\n");
  });
});

describe("build refuses a bad profile", () => {
  const withProfile = (profile: string) => ({ ...TWO_ATOMS, "profiles/p.yaml": profile });

  it("refuses an unknown top-level key", async () => {
    await expectRefused(
      withProfile("output: a.txt\nbudgett: 100\nsections:\n  - tag: A\n    atoms: [sign-verify]\n"),
      "profiles/p.yaml:2: unknown key 'budgett' (did you mean 'budget'?): expected one of output, wrapper, attributes, preamble, final_newline, encoding, budget, description, sections, include, index, parts, exclude, tags_from, examples\n",
    );
  });

  it("refuses an unknown section key", async () => {
    await expectRefused(
      withProfile("output: a.txt\nsections:\n  - tag: A\n    atoms: [sign-verify]\n    budgett: 100\n"),
      "profiles/p.yaml:5: unknown key 'sections[0].budgett' (did you mean 'budget'?): expected one of tag, intro, atoms, budget, required\n",
    );
  });

  it("refuses a missing atom id, suggesting a close one", async () => {
    await expectRefused(
      withProfile("output: a.txt\nsections:\n  - tag: A\n    atoms: [sign-verfy]\n"),
      "profiles/p.yaml:4: sections[0].atoms[0]: no atom has id 'sign-verfy' (did you mean 'sign-verify'?)\n",
    );
  });

  it("refuses a missing atom id with no hint when nothing is close", async () => {
    await expectRefused(
      withProfile("output: a.txt\nsections:\n  - tag: A\n    atoms: [environments]\n"),
      "profiles/p.yaml:4: sections[0].atoms[0]: no atom has id 'environments'\n",
    );
  });

  it("refuses a glob that matches nothing", async () => {
    await expectRefused(
      withProfile("output: a.txt\nsections:\n  - tag: A\n    atoms:\n      - sign-verify\n      - \"guards/*.md\"\n"),
      "profiles/p.yaml:6: sections[0].atoms[1] glob 'guards/*.md' matches no atom file\n",
    );
  });

  it("refuses a section tag used twice", async () => {
    await expectRefused(
      withProfile("output: a.txt\nsections:\n  - tag: A\n    atoms: [sign-verify]\n  - tag: A\n    atoms: [audit-ledger]\n"),
      "profiles/p.yaml:5: sections[1].tag 'A' is used twice (also sections[0]): section tags must be unique\n",
    );
  });

  it("refuses an unknown encoding", async () => {
    await expectRefused(
      withProfile("output: a.txt\nencoding: o300k_base\nsections:\n  - tag: A\n    atoms: [sign-verify]\n"),
      "profiles/p.yaml:2: encoding must be one of o200k_base, cl100k_base, p50k_base, p50k_edit, r50k_base, gpt2, got \"o300k_base\"\n",
    );
  });

  it("refuses an atom named twice, by id and by glob", async () => {
    await expectRefused(
      withProfile("output: a.txt\nsections:\n  - tag: A\n    atoms: [sign-verify]\n  - tag: B\n    atoms: [\"signing/*.md\", audit-ledger]\n"),
      "profiles/p.yaml:6: atom 'sign-verify' is named twice (sections[0].atoms[0] and sections[1].atoms[0]): an atom may appear once per profile\n",
    );
  });

  it("refuses an output that leaves the out dir", async () => {
    await expectRefused(
      withProfile("output: ../escape.txt\nsections:\n  - tag: A\n    atoms: [sign-verify]\n"),
      "profiles/p.yaml:1: 'output' \"../escape.txt\" leaves the out dir: give a path inside it\n",
    );
  });

  it("refuses a glob that climbs out with '..'", async () => {
    await expectRefused(
      withProfile("output: a.txt\nsections:\n  - tag: A\n    atoms: [\"../atoms/signing/*.md\"]\n"),
      "profiles/p.yaml:4: sections[0].atoms[0] '../atoms/signing/*.md' leaves the atoms dir: globs are relative to it and may not use '..'\n",
    );
  });

  it("refuses an include glob that climbs out with '..'", async () => {
    await expectRefused(
      withProfile("output: a.txt\ninclude:\n  - \"signing/*.md\"\n  - \"signing/../../atoms/audit/*.md\"\n"),
      "profiles/p.yaml:4: include[1] 'signing/../../atoms/audit/*.md' leaves the atoms dir: globs are relative to it and may not use '..'\n",
    );
  });

  it("refuses 'sections' and 'include' together", async () => {
    await expectRefused(
      withProfile("output: a.txt\nsections:\n  - tag: A\n    atoms: [sign-verify]\ninclude: [\"audit/*.md\"]\n"),
      "profiles/p.yaml:5: use one of 'sections', 'include', 'index' or 'parts', not 'sections' and 'include'\n",
    );
  });

  it("refuses a profile with neither 'sections' nor 'include'", async () => {
    await expectRefused(
      withProfile("output: a.txt\nwrapper: SECURITY\n"),
      "profiles/p.yaml:1: a profile needs 'sections' (explicit sections), 'include' (atoms grouped by their tag), 'index' (an llms.txt of the other outputs) or 'parts' (other outputs and hand-maintained files, composed)\n",
    );
  });

  it("refuses a profile whose sections are all empty", async () => {
    await expectRefused(
      withProfile("output: a.txt\nsections:\n  - tag: A\n    atoms: []\n  - tag: B\n    atoms: []\n"),
      "profiles/p.yaml:2: every section of this profile is empty: name at least one atom\n",
    );
  });

  it("reports every schema problem of one profile at once", async () => {
    await expectRefused(
      withProfile(
        [
          "output: ../escape.txt",
          "encoding: nope",
          "colour: blue",
          "sections:",
          "  - tag: lower",
          "    atoms: [sign-verify]",
          "  - tag: B",
          "    atoms: [audit-ledger]",
          "    budget: -5",
          "    required: yes please",
          "",
        ].join("\n"),
      ),
      [
        "profiles/p.yaml:1: 'output' \"../escape.txt\" leaves the out dir: give a path inside it",
        "profiles/p.yaml:2: encoding must be one of o200k_base, cl100k_base, p50k_base, p50k_edit, r50k_base, gpt2, got \"nope\"",
        "profiles/p.yaml:3: unknown key 'colour': expected one of output, wrapper, attributes, preamble, final_newline, encoding, budget, description, sections, include, index, parts, exclude, tags_from, examples",
        "profiles/p.yaml:5: sections[0].tag must be an UPPER_SNAKE tag like 'SIGN_VERIFY', got \"lower\"",
        "profiles/p.yaml:9: sections[1].budget must be a whole number of tokens above 0, got -5",
        "profiles/p.yaml:10: sections[1].required must be true or false, got \"yes please\"",
        "",
      ].join("\n"),
    );
  });

  it("reports every atom reference problem of one profile at once", async () => {
    await expectRefused(
      withProfile(
        [
          "output: a.txt",
          "sections:",
          "  - tag: A",
          "    atoms:",
          "      - sign-verfy",
          "      - \"guards/*.md\"",
          "      - \"../secrets/*.md\"",
          "      - audit-ledger",
          "  - tag: B",
          "    atoms: [\"audit/*.md\"]",
          "",
        ].join("\n"),
      ),
      [
        "profiles/p.yaml:5: sections[0].atoms[0]: no atom has id 'sign-verfy' (did you mean 'sign-verify'?)",
        "profiles/p.yaml:6: sections[0].atoms[1] glob 'guards/*.md' matches no atom file",
        "profiles/p.yaml:7: sections[0].atoms[2] '../secrets/*.md' leaves the atoms dir: globs are relative to it and may not use '..'",
        "profiles/p.yaml:10: atom 'audit-ledger' is named twice (sections[0].atoms[3] and sections[1].atoms[0]): an atom may appear once per profile",
        "",
      ].join("\n"),
    );
  });
});

describe("one mistake gives one message, with a hint where one helps", () => {
  it("points at a misspelled required key", async () => {
    const project = makeProject({
      "profiles/p.yaml": "output: o.txt\nsections:\n  - tag: A\n    atoms: [a]\n",
      "atoms/a.md": "---\nid: a\ntitel: A\nbrief: B.\n---\nText.\n",
    });
    expect(await runCli(["build"], { cwd: project })).toEqual({ code: 2, stdout: "", stderr: "atoms/a.md:3: frontmatter.title is required (is 'titel' a misspelling of it?)\n" });
  });

  it("reports a missing atoms dir once, not every atom a profile names", async () => {
    const project = makeProject({ "profiles/p.yaml": "output: o.txt\nsections:\n  - tag: A\n    atoms: [a, b, c]\n" });
    expect(await runCli(["build"], { cwd: project })).toEqual({ code: 2, stdout: "", stderr: "atoms: atoms dir not found: create it, or point --atoms or --root at it\n" });
  });

  it("does not blame an index for naming a profile that exists but has its own error", async () => {
    const project = makeProject({
      "atoms/a.md": atom({ id: "a", title: "A", brief: "B." }, "Text."),
      "profiles/full.yaml": "output: o.txt\nwraper: W\nsections:\n  - tag: A\n    atoms: [a]\n",
      "profiles/llms.yaml": "output: llms.txt\nindex:\n  title: T\n  summary: S\n  profiles: [full]\n",
    });
    expect(await runCli(["build"], { cwd: project })).toEqual({
      code: 2,
      stdout: "",
      stderr: "profiles/full.yaml:2: unknown key 'wraper' (did you mean 'wrapper'?): expected one of output, wrapper, attributes, preamble, final_newline, encoding, budget, description, sections, include, index, parts, exclude, tags_from, examples\n",
    });
  });

  it("refuses a date that does not exist", async () => {
    const project = makeProject({
      "profiles/p.yaml": "output: o.txt\nsections:\n  - tag: A\n    atoms: [a]\n",
      "atoms/a.md": "---\nid: a\ntitle: A\nbrief: B.\nupdated: 2026-13-45\n---\nText.\n",
    });
    expect(await runCli(["build"], { cwd: project })).toEqual({ code: 2, stdout: "", stderr: 'atoms/a.md:5: frontmatter.updated must be a date written YYYY-MM-DD, got "2026-13-45"\n' });
  });
});
