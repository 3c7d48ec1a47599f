import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { atom, makeProject, runCli, snapshotTree } from "../helpers.js";

const ATOM = atom({ id: "a", title: "A", brief: "B." }, "Text.");
const profile = (output: string) => `output: ${output}\nsections:\n  - tag: A\n    atoms: [a]\n`;

/** The CLI run with `argv` in a project of `files`: exit 2, exactly `stderr`, and not one byte written. */
async function expectRefused(files: Record<string, string>, stderr: string, argv: string[] = ["build"]): Promise<string> {
  const root = makeProject(files);
  const before = snapshotTree(root);
  const run = await runCli(argv, { cwd: root });
  expect(run).toEqual({ code: 2, stdout: "", stderr });
  expect(snapshotTree(root)).toEqual(before);
  return root;
}

describe("names llmsgen keeps for itself", () => {
  it("an output named like a temp file: exit 2, never written and later removed as a leftover", async () => {
    await expectRefused(
      { "atoms/a.md": ATOM, "profiles/p.yaml": profile('".llms-full.txt.llmsgen-1-abcdabcd.tmp"') },
      "profiles/p.yaml:1: 'output' \".llms-full.txt.llmsgen-1-abcdabcd.tmp\" is named like llmsgen's temporary files (.NAME.llmsgen-PID-XXXXXXXX.tmp), which are removed as leftovers: choose another name\n",
    );
  });

  it("an output under out/.llmsgen/, even where the lock stands: exit 2, reserved", async () => {
    await expectRefused(
      { "atoms/a.md": ATOM, "profiles/p.yaml": profile(".llmsgen/lock"), "out/.llmsgen/lock": "x\n" },
      "profiles/p.yaml:1: 'output' \".llmsgen/lock\" lies under .llmsgen/, which llmsgen keeps for its lock and journal: choose another path\n",
      ["build", "--check"],
    );
  });

  it("a composed part that is the lock, or the manifest: exit 2", async () => {
    const files = { "atoms/a.md": ATOM, "profiles/p.yaml": profile("a.txt"), "out/.llmsgen/lock": "x\n", "out/llmsgen.lock.json": "{}\n" };
    await expectRefused(
      { ...files, "profiles/c.yaml": "output: c.txt\nparts:\n  - file: out/.llmsgen/lock\n" },
      "profiles/c.yaml:3: parts[0].file \"out/.llmsgen/lock\" lies under .llmsgen/, which llmsgen keeps for its lock and journal: name a hand-maintained file\n",
      ["build", "--check"],
    );
    await expectRefused(
      { ...files, "profiles/c.yaml": "output: c.txt\nparts:\n  - file: out/llmsgen.lock.json\n" },
      "profiles/c.yaml:3: parts[0].file \"out/llmsgen.lock.json\" is the build manifest, which llmsgen writes: name a hand-maintained file\n",
      ["build", "--check"],
    );
  });
});

describe("output names", () => {
  it("a NUL in 'output': exit 2 in build naming file and line, and an error in lint", async () => {
    const files = { "atoms/a.md": ATOM, "profiles/p.yaml": profile('"a\\0b.txt"') };
    const message = "profiles/p.yaml:1: 'output' \"a\\u0000b.txt\" holds a control character (U+0000), which no file name may: remove it";
    await expectRefused(files, `${message}\n`);
    const lint = await runCli(["lint"], { cwd: makeProject(files) });
    expect(lint).toEqual({ code: 1, stdout: `${message.replace(": 'output'", ": error: 'output'")}\nlint: 1 error, 0 warnings\n`, stderr: "" });
  });

  it("a FIFO where the output goes is named as one", async () => {
    const root = makeProject({ "atoms/a.md": ATOM, "profiles/p.yaml": profile("a.txt") });
    mkdirSync(path.join(root, "out"));
    execFileSync("mkfifo", [path.join(root, "out/a.txt")]);
    const run = await runCli(["build"], { cwd: root });
    expect(run).toEqual({ code: 2, stdout: "", stderr: "profiles/p.yaml:1: 'output' \"a.txt\": out/a.txt is not a regular file (a FIFO): move it away, or point 'output' elsewhere\n" });
  });
});

describe("out, atoms and profiles dirs of their own", () => {
  const files = { "atoms/a.md": ATOM, "profiles/p.yaml": profile("a.txt") };

  it("out: atoms in the config: exit 2 naming both, nothing written", async () => {
    await expectRefused(
      { ...files, "llmsgen.config.yaml": "out: atoms\n" },
      "atoms: the out dir is the same dir as the atoms dir atoms: give each of out, atoms and profiles a dir of its own (--out, or 'out:' in the config)\n",
    );
  });

  it("--out inside the profiles dir: exit 2 naming both", async () => {
    await expectRefused(files, "profiles/gen: the out dir lies inside the profiles dir profiles: give each of out, atoms and profiles a dir of its own (--out, or 'out:' in the config)\n", ["build", "--out", "profiles/gen"]);
  });

  it("--out . keeps the atoms and profiles dirs below it, and no output may go into them", async () => {
    await expectRefused(
      { "atoms/a.md": ATOM, "profiles/p.yaml": profile("atoms/x.md") },
      "profiles/p.yaml:1: 'output' \"atoms/x.md\" lies in atoms, where llmsgen reads its input: give a path outside it\n",
      ["build", "--out", "."],
    );
    const root = makeProject(files);
    expect((await runCli(["build", "-q", "--out", "."], { cwd: root })).code).toBe(0);
    writeFileSync(path.join(root, "unrelated.txt"), "");
    expect(Object.keys(snapshotTree(root))).toContain("a.txt");
  });
});
