import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { get_encoding } from "tiktoken";
import { describe, expect, it } from "vitest";
import { atom, makeProject, runCli, snapshotTree } from "../helpers.js";

/** A small tree by the filename convention, and a profile over one folder that the cases below vary. */
const TREE = {
  "atoms/guide/_index.md": atom({ id: "guide-index", title: "Guide", brief: "Landing page." }, "Navigation only."),
  "atoms/guide/01-setup--install.md": atom({ id: "setup-install", title: "Install", brief: "Install it." }, "Run the installer."),
  "atoms/guide/02-setup--configure.md": atom({ id: "setup-configure", title: "Configure", brief: "Configure it." }, "Edit the config file."),
  "atoms/guide/03-usage.md": atom({ id: "usage", title: "Usage", brief: "Use it." }, "Call it from a script."),
  "notes/extra.md": "# Extra\n\nKept by hand.\n",
};
const GUIDE = 'output: guide.txt\ninclude: ["guide/*.md"]\nexclude: ["**/_*.md"]\ntags_from: filename\n';

/** Runs `llmsgen build` and asserts exit 2, exactly `stderr`, and that not one file was written. */
async function expectRefused(files: Record<string, string>, stderr: string): Promise<void> {
  const project = makeProject({ ...TREE, ...files });
  const before = snapshotTree(project);
  const run = await runCli(["build"], { cwd: project });
  expect(run).toEqual({ code: 2, stdout: "", stderr });
  expect(snapshotTree(project)).toEqual(before);
  expect(existsSync(path.join(project, "out"))).toBe(false);
}

describe("the new profile keys are validated like the others", () => {
  it("names a misspelt key with a hint", async () => {
    await expectRefused(
      { "profiles/guide.yaml": 'output: guide.txt\ninclude: ["guide/*.md"]\nexlude: ["**/_*.md"]\n' },
      "profiles/guide.yaml:3: unknown key 'exlude' (did you mean 'exclude'?): expected one of output, wrapper, attributes, preamble, final_newline, encoding, budget, description, sections, include, index, parts, exclude, tags_from, examples\n",
    );
  });

  it.each([
    ["tags_from: path", "profiles/guide.yaml:2: tags_from must be 'frontmatter' (each atom's tag, the default) or 'filename' (the file name convention NN-parent--child.md), got \"path\"\n"],
    ["final_newline: \"no\"", 'profiles/guide.yaml:2: final_newline must be true or false, got "no"\n'],
    ["preamble: 3", "profiles/guide.yaml:2: 'preamble' must be text (it may span lines), got 3\n"],
    ["preamble: |\n  Read this first.\n  <NOTE>\n", "profiles/guide.yaml:2: 'preamble' has a line that would read as a section or wrapper tag line, or a code fence that never closes: indent that line, or close the fence\n"],
    ['attributes: { version: "1" }', "profiles/guide.yaml:2: 'attributes' needs a 'wrapper': they are written on the wrapper's opening line (<WRAPPER name=\"value\">)\n"],
    ['exclude: "_index.md"', 'profiles/guide.yaml:2: exclude must be a non-empty list of globs relative to the atoms dir, got "_index.md"\n'],
  ])("refuses %s", async (line, stderr) => {
    await expectRefused({ "profiles/guide.yaml": `output: guide.txt\n${line}\ninclude: ["guide/*.md"]\n` }, stderr);
  });

  it("refuses tags_from in a sections profile", async () => {
    await expectRefused(
      { "profiles/guide.yaml": "output: guide.txt\ntags_from: filename\nsections:\n  - tag: A\n    atoms: [usage]\n" },
      "profiles/guide.yaml:2: 'tags_from' applies to include profiles only: a sections profile names its tags itself\n",
    );
  });

  it("refuses attribute values that are no strings, bad names and unknown placeholders, each at its line", async () => {
    await expectRefused(
      {
        "package.json": '{ "name": "guide", "version": "1.0.0" }\n',
        "profiles/guide.yaml": `${GUIDE}wrapper: GUIDE\nattributes:\n  version: 1.2\n  "bad name": x\n  home: "\${package.homepage}"\n  open: "\${package.version"\n`,
      },
      [
        'profiles/guide.yaml:7: attributes.version must be a string, got 1.2: quote it (version: "1.2")',
        "profiles/guide.yaml:8: attributes.bad name is not an attribute name: use letters, digits, '_', '-', '.' or ':', starting with a letter or '_'",
        "profiles/guide.yaml:9: attributes.home uses the placeholder ${package.homepage}, which llmsgen does not know: the only placeholders are ${package.version} and ${package.name}",
        "profiles/guide.yaml:10: attributes.open has '${' without a closing '}': the only placeholders are ${package.version} and ${package.name}",
        "",
      ].join("\n"),
    );
  });

  it.each([
    [undefined, "there is no package.json at the project root: add one with a \"version\" field, or write the value out"],
    ['{ "name": "guide" }', 'package.json has no "version" string field: add it, or write the value out'],
    ['{ "name": "guide", "version": 2 }', 'package.json has no "version" string field (got 2): add it, or write the value out'],
    ["{ name: guide }", "package.json is not valid JSON: add one with a \"version\" field, or write the value out"],
  ])("refuses ${package.version} when package.json is %s", async (pkg, why) => {
    await expectRefused(
      { ...(pkg === undefined ? {} : { "package.json": pkg }), "profiles/guide.yaml": `${GUIDE}wrapper: GUIDE\nattributes:\n  version: "\${package.version}"\n` },
      `profiles/guide.yaml:7: attributes.version uses \${package.version}, but ${why}\n`,
    );
  });

  it("refuses exclude globs that are broken or leave the atoms dir, and include globs that exclude empties", async () => {
    await expectRefused(
      { "profiles/guide.yaml": 'output: guide.txt\ninclude: ["guide/_*.md", "guide/*.md"]\nexclude:\n  - "**/_*.md"\n  - "[z-a].md"\n  - "../x.md"\n' },
      [
        "profiles/guide.yaml:2: include[0] glob 'guide/_*.md' matches one atom file, and 'exclude' removes every one: narrow 'exclude', or drop this entry",
        "profiles/guide.yaml:5: exclude[1] glob '[z-a].md' has a class range 'z-a' that runs backwards: write it 'a-z'",
        "profiles/guide.yaml:6: exclude[2] '../x.md' leaves the atoms dir: globs are relative to it and may not use '..'",
        "",
      ].join("\n"),
    );
  });

  it("refuses a file name that gives no tag by the convention, and a section tag equal to the wrapper", async () => {
    await expectRefused(
      { "atoms/guide/07-2fa.md": atom({ id: "two-factor", title: "2FA", brief: "Two factors." }, "Use a second factor."), "profiles/guide.yaml": GUIDE },
      "profiles/guide.yaml:4: tags_from: filename: the file name of guide/07-2fa.md gives no valid tag (\"2FA\"): name it NN-parent--child.md with letters first after the order prefix, or give the atom a tag: in its frontmatter\n",
    );
    await expectRefused(
      { "profiles/guide.yaml": `${GUIDE}wrapper: SETUP\n` },
      "profiles/guide.yaml:5: the wrapper <SETUP> is also a section's tag (its file name gives atom guide/01-setup--install.md that tag): a section cannot share the wrapper's tag; rename the wrapper\n",
    );
  });
});

describe("composed profiles are validated", () => {
  const all = (combined: string, more: Record<string, string> = {}) => ({ "profiles/guide.yaml": GUIDE, "profiles/all.yaml": combined, ...more });

  it("refuses parts of the wrong shape, each at its line", async () => {
    await expectRefused(
      all("output: all.txt\nparts:\n  - profile: guide\n    file: notes/extra.md\n  - files: notes/extra.md\n  - notes/extra.md\n  - profile: profiles/guide.yaml\n  - profile: guide\n"),
      [
        "profiles/all.yaml:3: parts[0] must name one thing, { profile: NAME } (another profile's output) or { file: PATH } (a hand-maintained file, relative to the root), not both: make them two parts",
        "profiles/all.yaml:5: unknown key 'parts[1].files': a part is { profile: NAME } (another profile's output) or { file: PATH } (a hand-maintained file, relative to the root)",
        'profiles/all.yaml:6: parts[2] must be { profile: NAME } (another profile\'s output) or { file: PATH } (a hand-maintained file, relative to the root), got "notes/extra.md"',
        'profiles/all.yaml:7: parts[3].profile "profiles/guide.yaml" must be the name of a profile in the profiles dir (its file name without .yaml), not a path',
        "",
      ].join("\n"),
    );
  });

  it("refuses file parts that leave the root, do not exist, are no file, repeat, or are an output", async () => {
    const project = makeProject({});
    const outside = path.basename(project);
    await expectRefused(
      all(`output: all.txt\nparts:\n  - file: ../${outside}-elsewhere.md\n  - file: notes/missing.md\n  - file: notes\n  - file: notes/extra.md\n  - file: ./notes/extra.md\n`),
      [
        `profiles/all.yaml:3: parts[0].file "../${outside}-elsewhere.md" leaves the project root: a hand-maintained part must be a file inside it, named relative to it`,
        'profiles/all.yaml:4: parts[1].file "notes/missing.md" does not exist: create the file, or fix the path (it is relative to the project root)',
        'profiles/all.yaml:5: parts[2].file "notes" is not a file: name a hand-maintained text file',
        "profiles/all.yaml:7: parts[4] repeats parts[3] (file notes/extra.md): a part may appear once",
        "",
      ].join("\n"),
    );
    const withOutput = makeProject({ ...TREE, ...all("output: all.txt\nparts:\n  - file: out/guide.txt\n") });
    mkdirSync(path.join(withOutput, "out"));
    await runCli(["build", "--profile", "guide"], { cwd: withOutput });
    const run = await runCli(["build"], { cwd: withOutput });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("profiles/all.yaml:3: parts[0].file 'out/guide.txt' is the output of profile 'guide', which a build writes: a file part is a hand-maintained file (use { profile: guide } to include that output)\n");
  });

  it("refuses a part naming no profile, an index, itself, or a cycle of parts", async () => {
    await expectRefused(
      all("output: all.txt\nparts:\n  - profile: guides\n  - profile: llms\n  - profile: all\n", { "profiles/llms.yaml": "output: llms.txt\nindex:\n  title: T\n  summary: S\n" }),
      [
        "profiles/all.yaml:3: parts[0].profile: no profile named 'guides' in profiles (there are: all, guide, llms)",
        "profiles/all.yaml:4: parts[1].profile 'llms' is an index (llms.txt): an index lists outputs, so it cannot be part of one; list this output in the index instead",
        "profiles/all.yaml:5: parts[2].profile 'all' is this profile itself: a composed output cannot contain itself",
        "",
      ].join("\n"),
    );
    await expectRefused(
      all("output: all.txt\nparts:\n  - profile: guide\n  - profile: more\n", { "profiles/more.yaml": "output: more.txt\nparts:\n  - file: notes/extra.md\n  - profile: all\n" }),
      "profiles/all.yaml:4: parts[1]: the parts form a cycle (all → more → all): a composed output cannot contain itself; remove one of these parts\n",
    );
  });

  it("refuses atom keys in a composed profile, and a second kind of content", async () => {
    await expectRefused(
      all('output: all.txt\nexclude: ["x.md"]\ntags_from: filename\nparts:\n  - profile: guide\n'),
      [
        "profiles/all.yaml:2: 'exclude' has no meaning in a composed profile (parts): its parts' own profiles choose their atoms; remove it",
        "profiles/all.yaml:3: 'tags_from' has no meaning in a composed profile (parts): its parts' own profiles choose their atoms; remove it",
        "",
      ].join("\n"),
    );
    await expectRefused(all('output: all.txt\ninclude: ["guide/*.md"]\nparts:\n  - profile: guide\n'), "profiles/all.yaml:3: use one of 'sections', 'include', 'index' or 'parts', not 'include' and 'parts'\n");
  });

  it("refuses file parts that are not byte-exact text: CRLF, a byte order mark, nothing", async () => {
    await expectRefused(
      all("output: all.txt\nparts:\n  - file: notes/crlf.md\n  - file: notes/bom.md\n  - file: notes/empty.md\n", { "notes/crlf.md": "one\r\ntwo\r\n", "notes/bom.md": "\uFEFFtext\n", "notes/empty.md": "\n\n" }),
      [
        "notes/crlf.md:1: the file has CR or CRLF line ends: a part is inserted byte for byte, so convert it to LF line ends (it is parts[0].file 'notes/crlf.md' of profiles/all.yaml)",
        "notes/bom.md:1: the file starts with a byte order mark: a part is inserted byte for byte, so save it as UTF-8 without one (it is parts[1].file 'notes/bom.md' of profiles/all.yaml)",
        "notes/empty.md:1: the file is empty: a part needs text (or remove it from the profile's parts) (it is parts[2].file 'notes/empty.md' of profiles/all.yaml)",
        "",
      ].join("\n"),
    );
  });

  it("refuses a composed output over its budget, with its exact count: parts are never degraded", async () => {
    const built = makeProject({ ...TREE, "profiles/guide.yaml": GUIDE });
    expect((await runCli(["build"], { cwd: built })).code).toBe(0);
    const encoder = get_encoding("o200k_base");
    const tokens = encoder.encode_ordinary(`${readFileSync(path.join(built, "out/guide.txt"), "utf8")}\n\n${TREE["notes/extra.md"]}`).length;
    encoder.free();
    await expectRefused(
      all("output: all.txt\nbudget: 20\nparts:\n  - profile: guide\n  - file: notes/extra.md\n"),
      `profiles/all.yaml:2: the composed output needs ${tokens} tokens, over its budget of 20: its parts are inserted whole, never degraded; raise the budget, or give the part profiles budgets of their own\n`,
    );
  });
});
