import { chmodSync, copyFileSync, existsSync, readFileSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { lint } from "../../src/lint.js";
import { atom, makeProject, runCli, writeFiles } from "../helpers.js";

const CHECKER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/examples/checker.mjs");

/** A profile of one section over `atoms`, with the given `examples:` lines. */
function profile(atoms: string, examples: string): string {
  return `output: out.txt\nsections:\n  - tag: GUARDS\n    atoms: [${atoms}]\nexamples:\n${examples}`;
}

const GUARDS_BODY = [
  "Guards run first.", // line 6
  "",
  "```mlld run",
  "/guard @x = allow",
  "```",
  "",
  "```mlld",
  "FAIL here",
  "```",
  "",
  "```js",
  "FAIL, but no checker reads js",
  "```",
  "",
  "- a list item:",
  "",
  "  ~~~mlld",
  '  /show "indented"',
  "  ~~~",
].join("\n");

/** A project whose checker is the fake one, copied to its root. */
function project(files: Record<string, string>): string {
  const root = makeProject(files);
  copyFileSync(CHECKER, path.join(root, "checker.mjs"));
  return root;
}

interface LoggedCall {
  args: string[];
  cwd: string;
  name: string;
  file: string;
  body: string;
}

function calls(root: string): LoggedCall[] {
  const log = path.join(root, "checker-log.jsonl");
  if (!existsSync(log)) return [];
  return readFileSync(log, "utf8")
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as LoggedCall);
}

describe("llmsgen lint --examples", () => {
  it("runs each block of a configured language through its checker and reports a failing one at its line, with the checker's output", async () => {
    const root = project({
      "atoms/guards.md": atom({ id: "guards", title: "Guards", brief: "Guards in one line." }, GUARDS_BODY),
      "profiles/p.yaml": profile("guards", "  mlld: node checker.mjs {file} {info}\n"),
    });

    const run = await runCli(["lint", "--examples"], { cwd: root });

    expect(run).toEqual({
      code: 1,
      stdout: [
        "atoms/guards.md:12: error: mlld code block fails its check: 'node checker.mjs {file} {info}' (profiles/p.yaml:6) exited with 1:",
        "    guards-12.mlld:2: no such directive",
        "    hint: see the manual",
        "lint: 1 error, 0 warnings, 3 examples checked",
        "",
      ].join("\n"),
      stderr: "",
    });
    const logged = calls(root);
    // {file} is <atom-id>-<line>.<language> in a fresh temp dir, gone afterwards; {info} is the whole info string, one argument.
    expect(logged.map(({ name, args, body }) => ({ name, args, body }))).toEqual([
      { name: "guards-8.mlld", args: ["mlld run"], body: "/guard @x = allow\n" },
      { name: "guards-12.mlld", args: ["mlld"], body: "FAIL here\n" },
      { name: "guards-22.mlld", args: ["mlld"], body: '/show "indented"\n' },
    ]);
    for (const call of logged) {
      expect(call.cwd).toBe(realpathSync(root));
      expect(realpathSync(path.dirname(path.dirname(call.file)))).toBe(realpathSync(tmpdir()));
      expect(existsSync(path.dirname(call.file))).toBe(false);
    }
    expect(new Set(logged.map((call) => path.dirname(call.file))).size).toBe(3);
  });

  it("runs a checker named by a path relative to the project root, from any working directory", async () => {
    const root = project({
      "atoms/guards.md": atom({ id: "guards", title: "Guards", brief: "B." }, "```mlld\n/show 1\n```"),
      "profiles/p.yaml": profile("guards", "  mlld: tools/check {file}\n"),
      "tools/check": '#!/bin/sh\nexec node "$(dirname "$0")/../checker.mjs" "$@"\n',
      "elsewhere/.keep": "",
    });
    chmodSync(path.join(root, "tools/check"), 0o755);

    const run = await runCli(["lint", "--examples", "--root", ".."], { cwd: path.join(root, "elsewhere") });

    expect(run).toEqual({ code: 0, stdout: "lint: 0 errors, 0 warnings, 1 example checked\n", stderr: "" });
    expect(calls(root).map((call) => call.name)).toEqual(["guards-6.mlld"]);
  });

  it("checks a block once per checker, however many profiles hold its atom", async () => {
    const root = project({
      "atoms/guards.md": atom({ id: "guards", title: "Guards", brief: "B." }, "```mlld\n/show 1\n```"),
      "profiles/a.yaml": profile("guards", "  mlld: node checker.mjs {file}\n"),
      "profiles/b.yaml": profile("guards", "  mlld: node checker.mjs {file}\n").replace("out.txt", "b.txt"),
    });

    expect(await runCli(["lint", "--examples"], { cwd: root })).toEqual({ code: 0, stdout: "lint: 0 errors, 0 warnings, 1 example checked\n", stderr: "" });
    expect(calls(root)).toHaveLength(1);
  });

  it("shows at most 20 lines of a checker's output", async () => {
    const root = project({
      "atoms/guards.md": atom({ id: "guards", title: "Guards", brief: "B." }, "```mlld\nNOISY\n```"),
      "profiles/p.yaml": profile("guards", "  mlld: node checker.mjs {file}\n"),
    });

    const run = await runCli(["lint", "--examples"], { cwd: root });

    const lines = Array.from({ length: 20 }, (_, i) => `    line ${i + 1}`);
    expect(run).toEqual({
      code: 1,
      stdout: [
        "atoms/guards.md:6: error: mlld code block fails its check: 'node checker.mjs {file}' (profiles/p.yaml:6) exited with 2:",
        ...lines,
        "    … 10 more lines",
        "lint: 1 error, 0 warnings, 1 example checked",
        "",
      ].join("\n"),
      stderr: "",
    });
  });

  it("fails a block whose check outlasts the time limit", () => {
    const root = project({
      "atoms/guards.md": atom({ id: "guards", title: "Guards", brief: "B." }, "```mlld\nSLEEP\n```"),
      "profiles/p.yaml": profile("guards", "  mlld: node checker.mjs {file}\n"),
    });

    const result = lint({ cwd: root, examples: true, exampleTimeout: 1000 });

    expect(result.examples).toEqual({ checked: 1, failed: 1 });
    expect(result.issues).toEqual([
      { file: "atoms/guards.md", line: 6, severity: "error", message: "mlld code block fails its check: 'node checker.mjs {file}' (profiles/p.yaml:6) timed out after 1 s" },
    ]);
  });

  it.each([
    ["a program not on PATH", "  mlld: llmsgen-no-such-checker {file}\n", "examples.mlld: 'llmsgen-no-such-checker' is not installed (not found on PATH): install it, or change the command"],
    ["a relative path that does not exist", "  mlld: tools/missing {file}\n", "examples.mlld: tools/missing does not exist (relative paths start at the project root): fix the path, or change the command"],
    ["a file that is not executable", "  mlld: ./checker.mjs {file}\n", "examples.mlld: ./checker.mjs is not executable: chmod +x it, or name its interpreter first (node ./checker.mjs {file})"],
  ])("exits 2 before running anything when the checker is %s", async (_case, examples, message) => {
    const root = project({
      "atoms/guards.md": atom({ id: "guards", title: "Guards", brief: "B." }, "```mlld\n/show 1\n```"),
      "profiles/p.yaml": profile("guards", `  js: node checker.mjs {file}\n${examples}`),
    });
    writeFiles(root, { "atoms/more.md": atom({ id: "more", title: "More", brief: "B." }, "```js\nlet x\n```") });

    expect(await runCli(["lint", "--examples"], { cwd: root })).toEqual({ code: 2, stdout: "", stderr: `profiles/p.yaml:7: ${message}\n` });
    expect(calls(root)).toEqual([]);
  });

  it("says so when no profile configures a checker", async () => {
    const root = project({ "atoms/guards.md": atom({ id: "guards", title: "Guards", brief: "B." }, "```mlld\nFAIL\n```"), "profiles/p.yaml": "output: out.txt\nsections:\n  - tag: GUARDS\n    atoms: [guards]\n" });

    expect(await runCli(["lint", "--examples"], { cwd: root })).toEqual({
      code: 0,
      stdout: '--examples: warning: neither the config nor a profile configures a checker (examples: { LANGUAGE: "COMMAND {file}" }): no code block was checked\nlint: 0 errors, 1 warning, 0 examples checked\n',
      stderr: "",
    });
  });

  it("runs nothing without --examples", async () => {
    const root = project({
      "atoms/guards.md": atom({ id: "guards", title: "Guards", brief: "B." }, "```mlld\nFAIL\n```"),
      "profiles/p.yaml": profile("guards", "  mlld: node checker.mjs {file}\n"),
    });

    expect(await runCli(["lint"], { cwd: root })).toEqual({ code: 0, stdout: "lint: 0 errors, 0 warnings\n", stderr: "" });
    expect(calls(root)).toEqual([]);
  });
});

describe("the examples: key of a profile", () => {
  it.each([
    ["  mlld: mlld validate\n", "examples.mlld: the command needs the word {file}: the path of the file holding the code block"],
    ["  mlld: mlld --input={file}\n", 'examples.mlld: "--input={file}": {file} and {info} must each be a word of their own (no shell: quotes are not read)'],
    ["  mlld: \"{file} run\"\n", "examples.mlld: the command must start with the program to run, not {file}"],
    ["  mlld: 42\n", "examples.mlld: the checker must be a command line like \"sh -n {file}\", got 42"],
    ["  a/b: x {file}\n", 'examples.a/b: the language must be one word of letters, digits and _ + . # - (the first word of a fence\'s info string), got "a/b"'],
  ])("refuses %j, naming the line", async (examples, message) => {
    const root = makeProject({ "atoms/guards.md": atom({ id: "guards", title: "Guards", brief: "B." }, "Text."), "profiles/p.yaml": profile("guards", examples) });

    expect(await runCli(["build"], { cwd: root })).toEqual({ code: 2, stdout: "", stderr: `profiles/p.yaml:6: ${message}\n` });
  });

  it("refuses a list where a mapping belongs", async () => {
    const root = makeProject({ "atoms/guards.md": atom({ id: "guards", title: "Guards", brief: "B." }, "Text."), "profiles/p.yaml": profile("guards", "  - mlld\n") });

    expect(await runCli(["build"], { cwd: root })).toEqual({
      code: 2,
      stdout: "",
      stderr: "profiles/p.yaml:5: 'examples' must be a mapping of a code block language to a checker command, like { sh: \"sh -n {file}\" }, got a list\n",
    });
  });
});
