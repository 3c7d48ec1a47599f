import { Command, CommanderError, Option } from "commander";
import { adopt } from "../adopt.js";
import { build } from "../build.js";
import { lint } from "../lint.js";
import { BusyError, ConcurrentEditError, InputError, LlmsgenError } from "../errors.js";
import { llmsgenVersion } from "../version.js";
import { syncCheck } from "../sync-check.js";
import { formatAdoptReport } from "./report-adopt.js";
import { formatLintReport } from "./report-lint.js";
import { buildReportJson, formatBuildReport } from "./report-build.js";
import { FINDING_FORMATS, formatInputError, formatRefusal, formatSyncReport, type FindingFormat } from "./report-findings.js";
import { styleFor, type OutStream } from "./style.js";

/** Everything the CLI touches of the world, injected so tests can run it in-process. */
export interface CliDeps {
  stdout: OutStream;
  stderr: OutStream;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * Exit codes: 0 ok, 1 problems found or refused, 2 bad input or usage (SPEC §8);
 * 3 for an internal error, a bug, and 4 when another llmsgen is writing the
 * same project, which the SPEC leaves open (documented in the README).
 */
export const EXIT = { ok: 0, findings: 1, input: 2, internal: 3, busy: 4 } as const;

interface LayoutFlags {
  root?: string;
  atoms?: string;
  profiles?: string;
  out?: string;
  profile: string[];
  /** false with --no-cache, a dir with --cache DIR, true (commander's default) otherwise. */
  cache?: string | boolean;
}

/** Runs the CLI with `argv` (without node and script) and resolves to the exit code. */
export async function main(argv: readonly string[], deps: CliDeps): Promise<number> {
  let code: number = EXIT.ok;
  const program = createProgram(deps, (exitCode) => (code = exitCode));
  try {
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (error) {
    return reportError(error, deps);
  }
}

function createProgram(deps: CliDeps, setExit: (code: number) => void): Command {
  const program = new Command("llmsgen")
    .description("Build token-budgeted LLM context bundles from markdown atoms, and keep hand edits from being lost.")
    .version(llmsgenVersion(), "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => deps.stdout.write(text),
      writeErr: (text) => deps.stderr.write(text),
      // The same help on every terminal: tests and docs can quote it exactly.
      getOutHelpWidth: () => 80,
      getErrHelpWidth: () => 80,
    })
    .addHelpText(
      "after",
      examples(["llmsgen build --profile full", "llmsgen sync-check", "llmsgen sync --adopt --dry-run", "llmsgen lint"]) +
        "\nExit codes: 0 ok, 1 findings or refused to overwrite hand-written text, 2 bad input or usage, 3 internal error,\n4 another llmsgen is writing the project (try again when it is done).\n",
    );

  const layoutOf = (flags: LayoutFlags) => ({
    cwd: deps.cwd,
    ...(flags.root === undefined ? {} : { root: flags.root }),
    ...(flags.atoms === undefined ? {} : { atoms: flags.atoms }),
    ...(flags.profiles === undefined ? {} : { profiles: flags.profiles }),
    ...(flags.out === undefined ? {} : { out: flags.out }),
    ...(flags.cache === undefined || flags.cache === true ? {} : { cache: flags.cache }),
    profile: flags.profile,
    warn: (message: string) => deps.stderr.write(`llmsgen: warning: ${message}\n`),
  });

  withCommonOptions(program.command("build"))
    .description("render each profile's output under its budgets and write it with the manifest")
    .option("--check", "write nothing; exit 1 if any output or the manifest would change")
    .option("--force", "overwrite outputs even where they hold hand-written text")
    .option("--json", "print the report as one JSON object")
    .addHelpText("after", examples(["llmsgen build --profile full", "llmsgen build --check", "llmsgen build --json --profile brief"]))
    .action((flags: LayoutFlags & { check?: boolean; force?: boolean; json?: boolean }) => {
      const check = flags.check === true;
      const workers = /^\d+$/.test(deps.env.LLMSGEN_WORKERS ?? "") ? Number(deps.env.LLMSGEN_WORKERS) : undefined;
      const result = build({ ...layoutOf(flags), check, force: flags.force === true, ...(workers === undefined ? {} : { workers }) });
      deps.stdout.write(flags.json ? buildReportJson(result) : formatBuildReport(result, check, styleFor(deps.stdout, deps.env)));
      if (result.refused.length > 0) deps.stderr.write(formatRefusal(result.refused, styleFor(deps.stderr, deps.env)));
      setExit(result.refused.length > 0 || (check && result.changed.length > 0) ? EXIT.findings : EXIT.ok);
    });

  withCommonOptions(program.command("sync-check"))
    .description("find text written by hand into generated files: sections with no atom, edited sections, stray text")
    .option("--file <path>", "check this file against the one --profile given, instead of that profile's output")
    .addOption(new Option("--format <format>", "output format").choices(FINDING_FORMATS).default("text"))
    .addHelpText("after", examples(["llmsgen sync-check", "llmsgen sync-check --format github", "llmsgen sync-check --profile full --file downloaded/llms-security.txt"]))
    .action((flags: LayoutFlags & { file?: string; format: FindingFormat }) => {
      let report;
      try {
        report = syncCheck({ ...layoutOf(flags), ...(flags.file === undefined ? {} : { file: flags.file }) });
      } catch (error) {
        // A CI job reading JSON or annotations should see bad input in its own format too.
        if (error instanceof InputError && flags.format !== "text") deps.stdout.write(formatInputError(error, flags.format));
        throw error;
      }
      deps.stdout.write(formatSyncReport(report, flags.format, styleFor(deps.stdout, deps.env)));
      setExit(report.ok ? EXIT.ok : EXIT.findings);
    });

  withCommonOptions(program.command("sync"))
    .description("bring hand-written text in generated files back into atoms and profiles")
    .option("--adopt", "turn unbacked sections into atoms and put edited text back into its atoms")
    .option("--dry-run", "print the plan and its diffs; write nothing")
    .addOption(new Option("--section <TAG>", "also adopt this drift section; repeatable").argParser(collect).default([], "none"))
    .addHelpText("after", examples(["llmsgen sync --adopt --dry-run", "llmsgen sync --adopt", "llmsgen sync --adopt --section SIGN_VERIFY"]))
    .action((flags: LayoutFlags & { adopt?: boolean; dryRun?: boolean; section: string[] }) => {
      if (!flags.adopt) throw new LlmsgenError("sync needs --adopt (try: llmsgen sync --adopt --dry-run)");
      const dryRun = flags.dryRun === true;
      const result = adopt({ ...layoutOf(flags), section: flags.section, dryRun });
      deps.stdout.write(formatAdoptReport(result, dryRun, styleFor(deps.stdout, deps.env)));
      setExit(result.skipped.length > 0 ? EXIT.findings : EXIT.ok);
    });

  withCommonOptions(program.command("lint"))
    .description("check atoms and profiles: schema, ids, tags, related ids, fences, tag-like lines")
    .addHelpText("after", examples(["llmsgen lint", "llmsgen lint --atoms docs/atoms"]))
    .action((flags: LayoutFlags) => {
      const result = lint(layoutOf(flags));
      deps.stdout.write(formatLintReport(result, styleFor(deps.stdout, deps.env)));
      setExit(result.errors > 0 ? EXIT.findings : EXIT.ok);
    });

  return program;
}

/** `--root/--atoms/--profiles/--out` and `--profile`, which every command takes. */
function withCommonOptions(command: Command): Command {
  return command
    .addOption(new Option("--profile <name|path>", "profile to use, by name or path; repeatable").argParser(collect).default([], "every profile in the profiles dir"))
    .option("--root <dir>", "project root (default: the current directory)")
    .option("--atoms <dir>", "atoms dir (default: <root>/atoms)")
    .option("--profiles <dir>", "profiles dir (default: <root>/profiles)")
    .option("--out <dir>", "out dir (default: <root>/out)")
    .option("--cache <dir>", "cache dir for token counts and parsed atoms (default: <root>/.llmsgen-cache)")
    .option("--no-cache", "neither read nor write the cache")
    .helpOption("-h, --help", "show help for this command");
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function examples(lines: readonly string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join("\n")}\n`;
}

/** The one catch: expected errors print one line each; anything else is a bug and prints its stack. */
function reportError(error: unknown, deps: CliDeps): number {
  if (error instanceof CommanderError) {
    // Help and version exit 0; every usage error is bad input (commander itself would exit 1).
    return error.exitCode === 0 ? EXIT.ok : EXIT.input;
  }
  if (error instanceof InputError) {
    deps.stderr.write(`${error.message}\n`);
    return EXIT.input;
  }
  if (error instanceof ConcurrentEditError || error instanceof BusyError) {
    deps.stderr.write(`llmsgen: ${error.message}\n`);
    return error instanceof BusyError ? EXIT.busy : EXIT.findings;
  }
  if (error instanceof LlmsgenError) {
    deps.stderr.write(`llmsgen: ${error.message}\n`);
    return EXIT.input;
  }
  const system = error as NodeJS.ErrnoException;
  if (typeof system?.code === "string" && typeof system.path === "string" && FILE_ERRORS.has(system.code)) {
    deps.stderr.write(`${system.path}: ${system.code}: ${FILE_ERRORS.get(system.code)}\n`);
    return EXIT.input;
  }
  deps.stderr.write(`llmsgen: internal error, please report it with this trace:\n${(error as Error)?.stack ?? String(error)}\n`);
  return EXIT.internal;
}

const FILE_ERRORS = new Map([
  ["EACCES", "permission denied"],
  ["EPERM", "operation not permitted"],
  ["EISDIR", "is a directory, expected a file"],
  ["ENOTDIR", "a part of this path is not a directory"],
  ["EROFS", "read-only file system"],
  ["ENOSPC", "no space left on device"],
  ["ENOENT", "no such file or directory"],
  ["EEXIST", "a file stands where a directory is needed"],
]);
