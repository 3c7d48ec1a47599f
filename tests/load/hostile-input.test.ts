import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { atom, makeProject, runCli, snapshotTree } from "../helpers.js";

const PROFILE = "output: a.txt\nsections:\n  - tag: A\n    atoms: [a]\n";
const ATOM = atom({ id: "a", title: "A", brief: "B." }, "Text.");

/** `llmsgen build` in a project of `files`: exit 2, exactly `stderr`, and not one byte written. */
async function expectRefused(files: Record<string, string | Buffer>, stderr: string, argv: string[] = ["build"]): Promise<string> {
  const project = makeProject({});
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(project, name)), { recursive: true });
    writeFileSync(path.join(project, name), content);
  }
  const before = snapshotTree(project);
  const run = await runCli(argv, { cwd: project });
  expect(run).toEqual({ code: 2, stdout: "", stderr });
  expect(snapshotTree(project)).toEqual(before);
  return project;
}

describe("bytes that are not UTF-8 are bad input, never U+FFFD", () => {
  it("refuses an atom, naming the line and the byte offset", async () => {
    const bytes = Buffer.concat([Buffer.from("---\nid: a\ntitle: A\nbrief: B.\n---\nCaf"), Buffer.from([0xe9]), Buffer.from(" au lait.\n")]);
    await expectRefused(
      { "atoms/a.md": bytes, "profiles/p.yaml": PROFILE },
      "atoms/a.md:6: not valid UTF-8: the bytes at offset 36 (0xe9 0x20 0x61 0x75) do not form a character; llmsgen reads text only as UTF-8: save the file as UTF-8\n",
    );
  });

  it("refuses a profile, and an overlong encoding of '/' in it", async () => {
    await expectRefused(
      { "atoms/a.md": ATOM, "profiles/p.yaml": Buffer.concat([Buffer.from("output: a"), Buffer.from([0xc0, 0xaf]), Buffer.from(".txt\nsections: []\n")]) },
      "profiles/p.yaml:1: not valid UTF-8: the bytes at offset 9 (0xc0 0xaf 0x2e 0x74) do not form a character; llmsgen reads text only as UTF-8: save the file as UTF-8\n",
    );
  });

  it("refuses a manifest, counting CRLF as one line break", async () => {
    await expectRefused(
      { "atoms/a.md": ATOM, "profiles/p.yaml": PROFILE, "out/llmsgen.lock.json": Buffer.concat([Buffer.from('{\r\n"version": 1,\r\n"x": "'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}\n')]) },
      'out/llmsgen.lock.json:3: not valid UTF-8: the bytes at offset 24 (0xed 0xa0 0x80 0x22) do not form a character; llmsgen reads text only as UTF-8: save the file as UTF-8\n',
    );
  });

  it("refuses an output that sync-check and build have to read, and leaves its bytes alone", async () => {
    const project = makeProject({ "atoms/a.md": ATOM, "profiles/p.yaml": PROFILE });
    expect((await runCli(["build"], { cwd: project })).code).toBe(0);
    const output = path.join(project, "out/a.txt");
    writeFileSync(output, Buffer.concat([readFileSync(output), Buffer.from([0xff])]));
    const before = snapshotTree(project);
    const message = "out/a.txt:4: not valid UTF-8: the bytes at offset 15 (0xff) do not form a character; llmsgen reads text only as UTF-8: save the file as UTF-8\n";

    expect(await runCli(["sync-check"], { cwd: project })).toEqual({ code: 2, stdout: "", stderr: message });
    expect(await runCli(["build"], { cwd: project })).toEqual({ code: 2, stdout: "", stderr: message });
    expect(snapshotTree(project)).toEqual(before);
  });
});

describe("YAML that would exhaust memory or the stack is refused with its line", () => {
  const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]", "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]", "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]", "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]", "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]"];

  it("refuses an alias bomb in frontmatter", async () => {
    await expectRefused(
      { "atoms/a.md": `---\nid: a\ntitle: A\nbrief: B.\n${bomb.join("\n")}\n---\nText.\n`, "profiles/p.yaml": PROFILE },
      "atoms/a.md:6: YAML aliases here expand to more than 100 nodes (a resource exhaustion attack, or a mistake): write the values out\n",
    );
  });

  it("refuses an alias bomb in a profile", async () => {
    await expectRefused(
      { "atoms/a.md": ATOM, "profiles/p.yaml": `${PROFILE}${bomb.join("\n")}\n` },
      "profiles/p.yaml:6: YAML aliases here expand to more than 100 nodes (a resource exhaustion attack, or a mistake): write the values out\n",
    );
  });

  it("keeps aliases that expand to little, and refuses one without its anchor", async () => {
    const project = makeProject({ "atoms/a.md": ATOM, "profiles/p.yaml": "output: a.txt\nsections:\n  - tag: A\n    atoms: &mine [a]\n" });
    expect((await runCli(["build"], { cwd: project })).code).toBe(0);
    await expectRefused(
      { "atoms/a.md": ATOM, "profiles/p.yaml": "output: a.txt\nsections:\n  - tag: A\n    atoms: *mine\n" },
      "profiles/p.yaml:4: YAML alias '*mine' has no anchor '&mine' before it: define the anchor first, or write the value out\n",
    );
  });

  it("refuses nesting 100,000 levels deep in frontmatter and in a profile, at the line it goes too deep", async () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    await expectRefused({ "atoms/a.md": `---\nid: a\ntitle: A\nbrief: B.\ntags:\n  ${deep}\n---\nText.\n`, "profiles/p.yaml": PROFILE }, "atoms/a.md:6: YAML nested more than 64 levels deep: flatten it\n");
    await expectRefused({ "atoms/a.md": ATOM, "profiles/p.yaml": `${PROFILE}description: ${deep}\n` }, "profiles/p.yaml:5: YAML nested more than 64 levels deep: flatten it\n");
  });

  it("refuses block nesting too", async () => {
    const lines = Array.from({ length: 80 }, (_, depth) => `${"  ".repeat(depth)}k${depth}:`);
    await expectRefused({ "atoms/a.md": ATOM, "profiles/p.yaml": `${PROFILE}extra:\n${lines.map((line) => `  ${line}`).join("\n")} x\n` }, "profiles/p.yaml:69: YAML nested more than 64 levels deep: flatten it\n");
  });
});

describe("runs that tiktoken keeps whole are refused before they hang a build", () => {
  const refusal = (line: number, what: string, fix = "break it up") => `atoms/a.md:${line}: ${what} is over the limit of 10000 characters (tokenizing such a run takes quadratic time): ${fix}\n`;

  it.each([
    ["200,000 blank lines", `Start${"\n".repeat(200_000)}End.`, refusal(6, "a run of 200000 white space characters (spaces, tabs, line breaks) with nothing else", "remove the extra blank lines and spaces")],
    ['100,000 " \\n" pairs', `Start.${" \n".repeat(100_000)}End.`, refusal(6, "a run of 200000 white space characters (spaces, tabs, line breaks) with nothing else", "remove the extra blank lines and spaces")],
    ["20,000 digits (one pre-token in gpt2, r50k_base and p50k_base)", `Start ${"7".repeat(20_000)} end.`, refusal(6, "a run of 20000 digits with no break")],
    ["a full stop followed by 20,000 line breaks", `Start.\n\nEnd here.${"\n".repeat(20_000)}More.`, refusal(8, "a run of 20001 punctuation with no break")],
    ["10,000 '/\\n' pairs (one pre-token in o200k_base)", `Start\n${"/\n".repeat(10_000)}End.`, refusal(7, "a run of 20000 punctuation with no break")],
  ])("refuses %s", async (_name, body, stderr) => {
    await expectRefused({ "atoms/a.md": atom({ id: "a", title: "A", brief: "B." }, body), "profiles/p.yaml": PROFILE }, stderr);
  });
});

describe("the long-run guard covers every text a build renders and counts", () => {
  const over = "a run of 10001 letters with no break is over the limit of 10000 characters (tokenizing such a run takes quadratic time): break it up";

  it("in a brief, a tag, and an id standing in for the tag", async () => {
    const long = "a".repeat(10_001);
    await expectRefused(
      { "atoms/a.md": `---\nid: a\ntitle: A\nbrief: ${long}\ntag: ${long.toUpperCase()}\n---\nText.\n`, "profiles/p.yaml": PROFILE },
      `atoms/a.md:4: frontmatter.brief: ${over}\natoms/a.md:5: frontmatter.tag (the section tag): ${over}\n`,
    );
    await expectRefused({ "atoms/a.md": atom({ id: long, title: "A", brief: "B." }, "Text."), "profiles/p.yaml": PROFILE.replace("[a]", '["*.md"]') }, `atoms/a.md:2: frontmatter.id (the section tag): ${over}\n`);
  });

  it("in a profile's description, intro and section tag", async () => {
    const long = "a".repeat(10_001);
    await expectRefused(
      { "atoms/a.md": ATOM, "profiles/p.yaml": `output: a.txt\ndescription: ${long}\nsections:\n  - tag: ${long.toUpperCase()}\n    intro: ${long}\n    atoms: [a]\n` },
      `profiles/p.yaml:2: description: ${over}\nprofiles/p.yaml:4: sections[0].tag: ${over}\nprofiles/p.yaml:5: sections[0].intro: ${over}\n`,
    );
  });
});

describe("line ends", () => {
  it("turns lone CR line ends into LF before anything else", async () => {
    const project = makeProject({ "atoms/a.md": "---\rid: a\rtitle: A\rbrief: B.\r---\rFirst line.\rSecond line.\r\r", "profiles/p.yaml": PROFILE });

    expect(await runCli(["build"], { cwd: project })).toMatchObject({ code: 0, stderr: "" });
    expect(readFileSync(path.join(project, "out/a.txt"), "latin1")).toBe("<A>\nFirst line.\nSecond line.\n</A>\n");
  });
});

describe("what stands where an output goes is named for what it is", () => {
  it("refuses an output path that is a symbolic link, even one that stays in the out dir", async () => {
    const project = makeProject({ "atoms/a.md": ATOM, "profiles/p.yaml": PROFILE, "out/real.txt": "kept\n" });
    symlinkSync("real.txt", path.join(project, "out/a.txt"));

    expect(await runCli(["build"], { cwd: project })).toEqual({
      code: 2,
      stdout: "",
      stderr: "profiles/p.yaml:1: 'output' \"a.txt\": out/a.txt is a symbolic link (to real.txt); llmsgen never writes through a link: replace the link with a real file, or point 'output' elsewhere\n",
    });
    expect(readFileSync(path.join(project, "out/real.txt"), "utf8")).toBe("kept\n");
  });

  it("names a dangling link on the way to an output instead of a bare ENOENT", async () => {
    const project = makeProject({ "atoms/a.md": ATOM, "profiles/p.yaml": PROFILE.replace("a.txt", "sub/a.txt") });
    mkdirSync(path.join(project, "out"));
    symlinkSync("../gone", path.join(project, "out/sub"));

    expect(await runCli(["build"], { cwd: project })).toEqual({
      code: 2,
      stdout: "",
      stderr: "profiles/p.yaml:1: 'output' \"sub/a.txt\": out/sub is a symbolic link to ../gone, which does not exist; llmsgen never writes through a link: remove the link, or replace it with a real directory\n",
    });
    expect(readdirSync(path.join(project, "out"))).toEqual(["sub"]);
  });

  it("names a file standing where a directory is needed, and a directory where the output goes", async () => {
    await expectRefused(
      { "atoms/a.md": ATOM, "profiles/p.yaml": PROFILE.replace("a.txt", "sub/a.txt"), "out/sub": "a file\n" },
      "profiles/p.yaml:1: 'output' \"sub/a.txt\": out/sub is a file, so nothing can be written below it: move it away, or point 'output' elsewhere\n",
    );
    await expectRefused(
      { "atoms/a.md": ATOM, "profiles/p.yaml": PROFILE, "out/a.txt/inside": "x\n" },
      "profiles/p.yaml:1: 'output' \"a.txt\": out/a.txt is a directory, not a file: move it away, or point 'output' elsewhere\n",
    );
  });

  it("says the root does not exist, instead of naming its atoms dir", async () => {
    const project = makeProject({ "atoms/a.md": ATOM, "profiles/p.yaml": PROFILE });
    const missing = path.join(project, "missing");

    for (const command of [["build"], ["sync-check"], ["lint"], ["sync", "--adopt"]]) {
      expect(await runCli([...command, "--root", "missing"], { cwd: project })).toEqual({
        code: 2,
        stdout: "",
        stderr: `${missing}: project root not found: give --root an existing directory (default: the current directory)\n`,
      });
    }
    expect(existsSync(missing)).toBe(false);
  });
});
