#!/usr/bin/env node
// Checks one ```mlld example from an atom against the mlld CLI.
//
//   node scripts/check-mlld-example.mjs FILE [INFO]
//
// FILE holds the block's body; INFO is the block's whole info string
// ("mlld", "mlld run", "mlld run-fails", "mlld offline"). Every block must
// pass `mlld validate` with no anti-pattern warning (other than one that
// only says the fragment lacks the rest of a program). `run` also executes it
// and requires exit 0; `run-fails` executes it and requires a failure (a
// non-zero exit, or an "mlld error" report: some runtime errors exit 0).
// Expectations are mlld comments inside the block (whole-line or trailing):
//
//   >> prints: TEXT          stdout, in order; together they are the whole output
//   >> fails: TEXT           run-fails: the error output contains TEXT
//   >> warns: TEXT           the error output contains TEXT; in a `run` block
//                            every error output line must be a declared warning
//   >> given file PATH: TEXT the run starts with PATH holding TEXT and a newline;
//                            more lines for the same PATH append to it
//   >> given env NAME: TEXT  the run's environment has NAME=TEXT
//
// Text is compared with white space collapsed and ignored around JSON
// punctuation, so `>> prints: ["a", "b"]` matches mlld's multi-line JSON.
// A run happens in a fresh temporary folder (its own .mlld/ ledger and
// checkpoints), never in the repository, with the CLI's folder on PATH (mlld
// starts itself to serve local MCP modules). The CLI defaults to
// ../shared/tools/mlld/mlld beside the repository; MLLD_CLI overrides it.
// Exit 0: the block holds what it claims; 1: it does not; 2: bad usage.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const MODES = new Set(["run", "run-fails", "offline"]);
const RUN_TIMEOUT_MS = 60_000;
// Warnings about what the rest of a program might hold: an example is a fragment,
// so "no exe in this file carries label X" (or is named X: tools served over MCP
// are unknown to validate) says nothing about the example.
const CONTEXT_ONLY = new Set(["guard-context-missing-op-label", "guard-context-missing-exe"]);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

class Usage extends Error {}

function main(argv) {
  const [file, ...infoWords] = argv;
  if (!file) throw new Usage("usage: check-mlld-example.mjs FILE [INFO], e.g. FILE \"mlld run\"");
  const mode = parseMode(infoWords.join(" "));
  const cli = process.env.MLLD_CLI || path.join(ROOT, "..", "shared", "tools", "mlld", "mlld");
  if (!existsSync(cli)) {
    throw new Usage(`mlld CLI not found at ${cli}: set MLLD_CLI to the mlld executable of version 2.0.5`);
  }
  const source = readFileSync(file, "utf8");
  const claims = parseClaims(source);
  const problems = checkClaimsFitMode(mode, claims);
  if (problems.length > 0) return fail(file, problems);

  const dir = mkdtempSync(path.join(os.tmpdir(), "mlld-example-"));
  try {
    const script = path.join(dir, "example.mld");
    writeFileSync(script, source);
    const validation = validate(cli, script, dir);
    if (validation.length > 0) return fail(file, validation);
    if (mode !== "run" && mode !== "run-fails") return 0;
    for (const [name, lines] of claims.givens) {
      const target = path.resolve(dir, name);
      if (!target.startsWith(dir + path.sep)) return fail(file, [`given file ${name} leaves the run folder`]);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, lines.map((line) => `${line}\n`).join(""));
    }
    const run = execute(cli, script, dir, claims.env);
    return report(file, run, runProblems(mode, claims, run));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The mode flag of an info string: "" (validate only), "run", "run-fails" or "offline". */
function parseMode(info) {
  const words = info.trim().split(/\s+/).filter(Boolean);
  if (words[0] === "mlld") words.shift();
  if (words.length === 0) return "";
  if (words.length > 1 || !MODES.has(words[0])) {
    throw new Usage(`unknown info string "${info}": expected "mlld" optionally followed by one of ${[...MODES].join(", ")}`);
  }
  return words[0];
}

/** Expectations declared in `>>` comments, in source order. */
function parseClaims(source) {
  const claims = { prints: [], fails: [], warns: [], givens: new Map(), env: {} };
  for (const line of source.split("\n")) {
    const match = /(?:^|\s)>>\s*(prints|fails|warns|given file ([^\s:]+)|given env ([A-Za-z_][A-Za-z0-9_]*)):(?: (.*))?$/.exec(line);
    if (!match) continue;
    const text = (match[4] ?? "").trim();
    if (match[3] !== undefined) claims.env[match[3]] = text;
    else if (match[2] !== undefined) claims.givens.set(match[2], [...(claims.givens.get(match[2]) ?? []), text]);
    else claims[match[1]].push(text);
  }
  return claims;
}

function checkClaimsFitMode(mode, claims) {
  const declared = claims.prints.length + claims.fails.length + claims.warns.length + claims.givens.size + Object.keys(claims.env).length;
  if (mode === "run" && claims.fails.length > 0) return ["a `run` block cannot declare `>> fails:`; mark it `mlld run-fails`"];
  if (mode === "run" && claims.prints.length + claims.warns.length === 0) {
    return ["a `run` block must declare what it shows: add `>> prints: ...` (or `>> warns: ...`)"];
  }
  if (mode === "run-fails" && claims.fails.length === 0) return ["a `run-fails` block must declare its error: add `>> fails: ...`"];
  if (mode !== "run" && mode !== "run-fails" && declared > 0) {
    return ["this block declares expectations but is not run: mark it `mlld run` or `mlld run-fails`"];
  }
  return [];
}

function validate(cli, script, cwd) {
  const result = spawnSync(cli, ["validate", script, "--format", "json"], { cwd, encoding: "utf8", env: quietEnv(), timeout: RUN_TIMEOUT_MS });
  let parsed;
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    return [`mlld validate did not answer with JSON (exit ${result.status}): ${clip(plain(result.stderr || result.stdout))}`];
  }
  const problems = [];
  for (const error of parsed.errors ?? []) problems.push(`does not parse under mlld 2.0.5: ${error.message}`);
  if (parsed.valid !== true && problems.length === 0) problems.push("mlld validate reports the block invalid");
  for (const pattern of parsed.antiPatterns ?? []) {
    if (CONTEXT_ONLY.has(pattern.code)) continue;
    problems.push(`mlld validate warns ${pattern.code} at line ${pattern.line}: ${pattern.message}`);
  }
  return problems;
}

function execute(cli, script, cwd, env) {
  // mlld serves `import tools ... from mcp "./server.mld"` by starting itself as `mlld`.
  const PATH = [path.dirname(path.resolve(cli)), process.env.PATH].filter(Boolean).join(path.delimiter);
  const result = spawnSync(cli, [script], { cwd, encoding: "utf8", env: { ...quietEnv(), PATH, ...env }, timeout: RUN_TIMEOUT_MS });
  return { status: result.status, stdout: plain(result.stdout ?? ""), stderr: plain(result.stderr ?? ""), timedOut: result.error !== undefined };
}

function runProblems(mode, claims, run) {
  if (run.timedOut) return [`mlld did not finish within ${RUN_TIMEOUT_MS / 1000} s`];
  const problems = [];
  if (mode === "run" && run.status !== 0) problems.push(`expected exit 0, mlld exited ${run.status}`);
  // mlld 2.0.5 exits 1 on a security error but 0 on some runtime errors that
  // still stop the script; both print an "mlld error" report.
  if (mode === "run-fails" && run.status === 0 && !run.stderr.includes("mlld error")) {
    problems.push("expected the run to fail, mlld exited 0 and reported no error");
  }
  const expected = normalize(claims.prints.join("\n"));
  const actual = normalize(run.stdout);
  if (expected !== actual) problems.push(`expected stdout\n  ${expected || "(nothing)"}\ngot\n  ${actual || "(nothing)"}`);
  const errors = normalize(run.stderr);
  for (const text of claims.fails) if (!errors.includes(normalize(text))) problems.push(`expected the error output to contain: ${text}`);
  for (const text of claims.warns) if (!errors.includes(normalize(text))) problems.push(`expected a warning containing: ${text}`);
  // mlld can report an error and still exit 0: a `run` block may write to
  // stderr only the warnings it declares.
  if (mode === "run") {
    const declared = claims.warns.map(normalize);
    const stray = run.stderr.split("\n").map(normalize).filter((line) => line && !declared.some((text) => line.includes(text)));
    if (stray.length > 0) problems.push(`unexpected error output: ${clip(stray.join("\n"))}`);
  }
  return problems;
}

function report(file, run, problems) {
  if (problems.length === 0) return 0;
  return fail(file, [...problems, `mlld stderr:\n${clip(run.stderr) || "(empty)"}`]);
}

function fail(file, problems) {
  process.stderr.write(`${file}: ${problems.join("\n")}\n`);
  return 1;
}

/** Collapses white space, and drops it around JSON punctuation. */
function normalize(text) {
  return text.replace(/\s+/g, " ").replace(/ ?([[\]{},:]) ?/g, "$1").trim();
}

function plain(text) {
  return text.replace(/\u001b\[[0-9;]*m/g, "");
}

function clip(text) {
  const trimmed = text.trim();
  return trimmed.length > 2000 ? `${trimmed.slice(0, 2000)}…` : trimmed;
}

function quietEnv() {
  return { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", TZ: "UTC" };
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof Usage)) throw error;
  process.stderr.write(`check-mlld-example: ${error.message}\n`);
  process.exitCode = 2;
}
