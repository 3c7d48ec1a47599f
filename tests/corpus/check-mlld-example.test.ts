import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SCRIPT = path.join(REPO, "scripts/check-mlld-example.mjs");
const work = mkdtempSync(path.join(os.tmpdir(), "check-mlld-example-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * A stand-in for the mlld CLI that understands a tiny language, one command a
 * line (the `>>` comments of a block are ignored): `say TEXT` prints TEXT,
 * `warn TEXT` writes it to stderr, `crash TEXT` reports an mlld error and
 * exits 1 (`crash0` the same with exit 0), `cat PATH`, `env NAME`, `pwd` and
 * `path` print a file, a variable, the working folder and PATH's first entry.
 * `validate` answers in mlld's JSON shape: a `PARSE_ERROR` line makes the file
 * invalid and `ANTI code` reports an anti-pattern.
 */
const FAKE_MLLD = `#!/usr/bin/env node
const fs = require("node:fs");
const args = process.argv.slice(2);
const validating = args[0] === "validate";
const lines = fs.readFileSync(validating ? args[1] : args[0], "utf8").split("\\n").map((line) => line.split(">>")[0].trim()).filter(Boolean);
if (validating) {
  const result = { valid: !lines.includes("PARSE_ERROR"), antiPatterns: [] };
  if (!result.valid) result.errors = [{ message: "Parse error: unexpected token at line 1", line: 1, column: 1 }];
  for (const line of lines) if (line.startsWith("ANTI ")) result.antiPatterns.push({ code: line.slice(5), message: "looks wrong", line: 2 });
  process.stdout.write(JSON.stringify(result, null, 2) + "\\n");
  process.exit(result.valid ? 0 : 1);
}
for (const line of lines) {
  const [word, ...rest] = line.split(" ");
  const text = rest.join(" ");
  if (word === "say") process.stdout.write(text + "\\n");
  if (word === "warn") process.stderr.write(text + "\\n");
  if (word === "cat") process.stdout.write(fs.readFileSync(text, "utf8"));
  if (word === "env") process.stdout.write((process.env[text] ?? "(unset)") + "\\n");
  if (word === "pwd") process.stdout.write(process.cwd() + "\\n");
  if (word === "path") process.stdout.write(process.env.PATH.split(":")[0] + "\\n");
  if (word === "crash" || word === "crash0") {
    process.stderr.write("\\u001b[34m mlld error \\u001b[0m\\n  " + text + "\\n");
    process.exit(word === "crash" ? 1 : 0);
  }
}
`;
const fakeDir = path.join(work, "fake-mlld");
const fake = path.join(fakeDir, "mlld");
mkdirSync(fakeDir);
writeFileSync(fake, FAKE_MLLD);
chmodSync(fake, 0o755);

let blocks = 0;
/** Runs the checker on a block body with an info string, against the fake CLI. */
function check(body: string, info: string[] = ["mlld"], env: Record<string, string> = { MLLD_CLI: fake }) {
  const file = path.join(work, `block-${++blocks}.mlld`);
  writeFileSync(file, body);
  const run = spawnSync(process.execPath, [SCRIPT, file, ...info], { cwd: REPO, encoding: "utf8", env: { PATH: process.env.PATH ?? "", ...env } });
  return { file, status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("check-mlld-example: validation", () => {
  it("passes a block that validates, printing nothing", () => {
    expect(check("say never run\n")).toMatchObject({ status: 0, stdout: "", stderr: "" });
  });

  it("fails a block that does not parse, with the parser's message", () => {
    const { file, ...run } = check("PARSE_ERROR\n");
    expect(run).toEqual({ status: 1, stdout: "", stderr: `${file}: does not parse under mlld 2.0.5: Parse error: unexpected token at line 1\n` });
  });

  it("fails an anti-pattern warning, but not one that only says the rest of the program is missing", () => {
    const { file, ...run } = check("ANTI privileged-wildcard-allow\n");
    expect(run).toEqual({ status: 1, stdout: "", stderr: `${file}: mlld validate warns privileged-wildcard-allow at line 2: looks wrong\n` });
    expect(check("ANTI guard-context-missing-op-label\nANTI guard-context-missing-exe\n").status).toBe(0);
  });

  it("validates an offline block without running it", () => {
    expect(check("crash this would fail if run\n", ["mlld", "offline"])).toMatchObject({ status: 0, stderr: "" });
  });

  it("refuses expectations in a block that is not run, so no claim goes unchecked", () => {
    const { file, ...run } = check("say hi   >> prints: hi\n");
    expect(run).toEqual({ status: 1, stdout: "", stderr: `${file}: this block declares expectations but is not run: mark it \`mlld run\` or \`mlld run-fails\`\n` });
  });
});

describe("check-mlld-example: run", () => {
  it("passes when stdout is exactly the declared lines, compared without layout", () => {
    const body = 'say ["secret",\nsay   "pii"]\nsay done   >> prints: done\n>> prints: ["secret", "pii"]\n';
    expect(check(body, ["mlld", "run"]).status).toBe(1);
    const ordered = 'say ["secret",\nsay   "pii"]   >> prints: ["secret", "pii"]\nsay done   >> prints: done\n';
    expect(check(ordered, ["mlld", "run"])).toMatchObject({ status: 0, stdout: "", stderr: "" });
  });

  it("fails with what was expected and what came out", () => {
    const { file, ...run } = check("say hello   >> prints: goodbye\n", ["mlld", "run"]);
    expect(run).toEqual({ status: 1, stdout: "", stderr: `${file}: expected stdout\n  goodbye\ngot\n  hello\nmlld stderr:\n(empty)\n` });
  });

  it("fails on output nobody declared", () => {
    const { file, ...run } = check("say one   >> prints: one\nsay two\n", ["mlld", "run"]);
    expect(run).toEqual({ status: 1, stdout: "", stderr: `${file}: expected stdout\n  one\ngot\n  one two\nmlld stderr:\n(empty)\n` });
  });

  it("accepts declared warnings and fails on any other error output, even when mlld exits 0", () => {
    expect(check("say ok   >> prints: ok\nwarn [Guard Warning] no\n>> warns: [Guard Warning] no\n", ["mlld", "run"]).status).toBe(0);
    const { file, ...run } = check("say ok   >> prints: ok\ncrash0 Cannot access field\n", ["mlld", "run"]);
    expect(run).toEqual({
      status: 1,
      stdout: "",
      stderr: `${file}: unexpected error output: mlld error\nCannot access field\nmlld stderr:\nmlld error \n  Cannot access field\n`,
    });
  });

  it("requires a run block to declare what it shows", () => {
    const { file, ...run } = check("say hi\n", ["mlld", "run"]);
    expect(run).toEqual({ status: 1, stdout: "", stderr: `${file}: a \`run\` block must declare what it shows: add \`>> prints: ...\` (or \`>> warns: ...\`)\n` });
  });

  it("seeds the declared files and environment, in a fresh folder that is removed afterwards", () => {
    const body = [
      ">> given file inbox/ticket.md: first line",
      ">> given file inbox/ticket.md: second line",
      ">> given env TICKET_TOKEN: tok-1",
      "cat inbox/ticket.md   >> prints: first line",
      ">> prints: second line",
      "env TICKET_TOKEN      >> prints: tok-1",
      "path                  >> prints: " + fakeDir,
      "",
    ].join("\n");
    expect(check(body, ["mlld", "run"])).toMatchObject({ status: 0, stderr: "" });
    const where = check("pwd   >> prints: anywhere\n", ["mlld", "run"]);
    const folder = /got\n {2}(.*)\n/.exec(where.stderr)?.[1] ?? "";
    expect(path.dirname(folder)).toBe(os.tmpdir());
    expect(folder).not.toBe(REPO);
    expect(existsSync(folder)).toBe(false);
  });

  it("refuses a given file that would leave the run folder", () => {
    const { file, ...run } = check(">> given file ../escape.txt: no\nsay x   >> prints: x\n", ["mlld", "run"]);
    expect(run).toEqual({ status: 1, stdout: "", stderr: `${file}: given file ../escape.txt leaves the run folder\n` });
  });
});

describe("check-mlld-example: run-fails", () => {
  it("passes when the run fails with the declared error, output before it checked too", () => {
    const body = "say before   >> prints: before\ncrash Label 'secret' cannot flow to 'op:show'   >> fails: cannot flow to 'op:show'\n";
    expect(check(body, ["mlld", "run-fails"])).toMatchObject({ status: 0, stderr: "" });
    expect(check("crash0 Trust conflict   >> fails: Trust conflict\n", ["mlld", "run-fails"]).status).toBe(0);
  });

  it("fails when the run succeeds or fails differently", () => {
    const succeeded = check("say fine   >> prints: fine\n>> fails: denied\n", ["mlld", "run-fails"]);
    expect(succeeded.stderr).toBe(
      `${succeeded.file}: expected the run to fail, mlld exited 0 and reported no error\nexpected the error output to contain: denied\nmlld stderr:\n(empty)\n`,
    );
    const other = check("crash Command 'ls' denied   >> fails: Dangerous capability\n", ["mlld", "run-fails"]);
    expect(other).toMatchObject({ status: 1, stderr: `${other.file}: expected the error output to contain: Dangerous capability\nmlld stderr:\nmlld error \n  Command 'ls' denied\n` });
  });

  it("requires the error to be declared", () => {
    const { file, ...run } = check("crash x\n", ["mlld", "run-fails"]);
    expect(run).toEqual({ status: 1, stdout: "", stderr: `${file}: a \`run-fails\` block must declare its error: add \`>> fails: ...\`\n` });
  });
});

describe("check-mlld-example: usage", () => {
  it("exits 2 on an unknown info string flag", () => {
    const { file: _file, ...run } = check("say x\n", ["mlld", "runn"]);
    expect(run).toEqual({
      status: 2,
      stdout: "",
      stderr: 'check-mlld-example: unknown info string "mlld runn": expected "mlld" optionally followed by one of run, run-fails, offline\n',
    });
  });

  it("exits 2 when the mlld CLI is missing, naming the override", () => {
    const missing = path.join(work, "no-such-mlld");
    const { file: _file, ...run } = check("say x\n", ["mlld"], { MLLD_CLI: missing });
    expect(run).toEqual({ status: 2, stdout: "", stderr: `check-mlld-example: mlld CLI not found at ${missing}: set MLLD_CLI to the mlld executable of version 2.0.5\n` });
  });

  it("exits 2 without a file", () => {
    const run = spawnSync(process.execPath, [SCRIPT], { encoding: "utf8" });
    expect([run.status, run.stderr]).toEqual([2, 'check-mlld-example: usage: check-mlld-example.mjs FILE [INFO], e.g. FILE "mlld run"\n']);
  });
});
