import { type Command, Option } from "commander";
import { build, type BuildResult } from "../build.js";
import path from "node:path";
import { InputError, LlmsgenError } from "../errors.js";
import { findConfig } from "../load/load-config.js";
import { buildFailed, type BuildMode, type BuildOutcome, formatBuildReport } from "./report-build.js";
import { formatRefusal } from "./report-findings.js";
import type { Format, ReportOptions } from "./report-format.js";
import { collect, examples, layoutOptions, reportOptions, withLayoutOptions, withReportOptions, type CliDeps, type LayoutFlags, type ReportFlags } from "./options.js";
import { progressDisplay } from "./progress.js";
import { styleFor } from "./style.js";

/**
 * Exit codes: 0 ok, 1 problems found or refused, 2 bad input or usage, 3 an
 * internal error (a bug), 4 another llmsgen is writing the same project.
 */
// Only build's code is loaded with the CLI; each other command loads its own
// modules when it runs, so a build does not pay for sync, lint, explain or init.

export const EXIT = { ok: 0, findings: 1, input: 2, internal: 3, busy: 4 } as const;

/** What a command's action reports back to `main`: the exit code, and the format errors are to be printed in. */
export interface CommandContext {
  deps: CliDeps;
  setExit(code: number): void;
  setFormat(format: Format): void;
}

/** Reads the report flags and tells `main` the format, so that an error from here on is printed in it too. */
function reportFor(flags: ReportFlags, context: CommandContext): ReportOptions {
  const report = reportOptions(flags);
  context.setFormat(report.format);
  return report;
}

/** `llmsgen build`: write, `--check`, `--diff` or `--stdout`, reported in any format. */
export function addBuild(program: Command, context: CommandContext): void {
  const { deps } = context;
  withReportOptions(withLayoutOptions(program.command("build")))
    .description("render each profile's output under its budgets and write it with the manifest")
    .option("--check", "write nothing; exit 1 if any output or the manifest would change")
    .option("--diff", "write nothing; show what would change as unified diffs (exit 1 with --check when anything would)")
    .option("--stdout", "print the one --profile's output instead of writing it")
    .option("--force", "overwrite outputs even where they hold hand-written text")
    .addHelpText(
      "after",
      examples(["llmsgen build --profile full", "llmsgen build --check --quiet", "llmsgen build --diff", "llmsgen build --stdout --profile brief | less", "llmsgen build --format json --profile brief"]),
    )
    .action((flags: LayoutFlags & ReportFlags & { check?: boolean; diff?: boolean; stdout?: boolean; force?: boolean }) => {
      const report = reportFor(flags, context);
      if (flags.stdout) checkStdoutFlags(flags, report);
      if (flags.diff && report.format === "github") throw new LlmsgenError("--diff prints diffs as text or JSON: drop --format github, or use --check for annotations");
      const mode: BuildMode = { check: flags.check === true, diff: flags.diff === true };
      const workers = /^\d+$/.test(deps.env.LLMSGEN_WORKERS ?? "") ? Number(deps.env.LLMSGEN_WORKERS) : undefined;
      // A progress bar only where someone watches a terminal, and never in machine formats or quiet runs.
      const progress = report.format === "text" && !report.quiet && deps.stderr.isTTY ? progressDisplay(deps.stderr, deps.now ?? Date.now) : undefined;
      let built: BuildResult | undefined;
      try {
        built = build({
          ...layoutOptions(flags, deps),
          profile: flags.profile,
          check: mode.check || mode.diff || flags.stdout === true,
          render: flags.stdout === true,
          force: flags.force === true,
          preview: mode.diff,
          ...(workers === undefined ? {} : { workers }),
          ...(progress ? { progress: progress.update } : {}),
          ...(deps.fault ? { fault: deps.fault } : {}),
        });
      } finally {
        progress?.stop();
      }
      if (flags.stdout) {
        deps.stdout.write(built.plans[0]?.text ?? "");
        return;
      }
      // The report needs no plan: let go of them, and so of every atom and output text, before it is formatted.
      const result = withoutPlans(built);
      built = undefined;
      deps.stdout.write(formatBuildReport(result, mode, report, styleFor(deps.stdout, deps.env)));
      if (result.refused.length > 0) deps.stderr.write(formatRefusal(result.refused, styleFor(deps.stderr, deps.env)));
      context.setExit(buildFailed(result, mode) ? EXIT.findings : EXIT.ok);
    });
}

/** `--stdout` prints exactly one output and nothing else. */
function checkStdoutFlags(flags: LayoutFlags & { check?: boolean; diff?: boolean; force?: boolean }, report: ReportOptions): void {
  if (flags.profile.length !== 1) {
    throw new LlmsgenError(`--stdout prints one output: give exactly one --profile (got ${flags.profile.length === 0 ? "none" : flags.profile.join(", ")})`);
  }
  const clashing = [flags.check && "--check", flags.diff && "--diff", flags.force && "--force", report.format !== "text" && `--format ${report.format}`].filter((flag) => typeof flag === "string");
  if (clashing.length > 0) throw new LlmsgenError(`--stdout prints the output alone: drop ${clashing.join(" and ")}`);
}

/** `llmsgen sync-check`: every hand edit in the outputs, as findings. */
export function addSyncCheck(program: Command, context: CommandContext): void {
  const { deps } = context;
  withReportOptions(withLayoutOptions(program.command("sync-check")))
    .description("find text written by hand into generated files: sections with no atom, edited sections, stray text")
    .option("--file <path>", "check this file against the one --profile given, instead of that profile's output")
    .addHelpText("after", examples(["llmsgen sync-check", "llmsgen sync-check --format github", "llmsgen sync-check --profile full --file downloaded/llms-security.txt"]))
    .action(async (flags: LayoutFlags & ReportFlags & { file?: string }) => {
      const report = reportFor(flags, context);
      const [{ syncCheck }, { formatSyncReport }] = await Promise.all([import("../sync-check.js"), import("./report-findings.js")]);
      const result = syncCheck({ ...layoutOptions(flags, deps), profile: flags.profile, ...(flags.file === undefined ? {} : { file: flags.file }) });
      deps.stdout.write(formatSyncReport(result, report, styleFor(deps.stdout, deps.env)));
      context.setExit(result.ok ? EXIT.ok : EXIT.findings);
    });
}

/** `llmsgen sync --adopt`: hand-written text back into atoms and profiles. */
export function addSync(program: Command, context: CommandContext): void {
  const { deps } = context;
  withReportOptions(withLayoutOptions(program.command("sync")))
    .description("bring hand-written text in generated files back into atoms and profiles")
    .option("--adopt", "turn unbacked sections into atoms and put edited text back into its atoms")
    .option("--dry-run", "print the plan and its diffs; write nothing")
    .addOption(new Option("--section <TAG>", "also adopt this drift section; repeatable").argParser(collect).default([], "none"))
    .addHelpText("after", examples(["llmsgen sync --adopt --dry-run", "llmsgen sync --adopt", "llmsgen sync --adopt --section SIGN_VERIFY"]))
    .action(async (flags: LayoutFlags & ReportFlags & { adopt?: boolean; dryRun?: boolean; section: string[] }) => {
      const report = reportFor(flags, context);
      if (!flags.adopt) throw new LlmsgenError("sync needs --adopt (try: llmsgen sync --adopt --dry-run)");
      const [{ adopt }, { formatAdoptReport }] = await Promise.all([import("../adopt.js"), import("./report-adopt.js")]);
      const dryRun = flags.dryRun === true;
      const result = adopt({ ...layoutOptions(flags, deps), profile: flags.profile, section: flags.section, dryRun, ...(deps.fault ? { fault: deps.fault } : {}) });
      deps.stdout.write(formatAdoptReport(result, dryRun, report, styleFor(deps.stdout, deps.env)));
      context.setExit(result.skipped.length > 0 ? EXIT.findings : EXIT.ok);
    });
}

/** `llmsgen lint`: atoms and profiles checked, errors and warnings. */
export function addLint(program: Command, context: CommandContext): void {
  const { deps } = context;
  withReportOptions(withLayoutOptions(program.command("lint")))
    .description("check atoms and profiles: schema, ids, tags, related ids, fences, tag-like lines")
    .option("--examples", "also run each fenced code block through the checker the config or its profile configures (examples:)")
    .addHelpText("after", examples(["llmsgen lint", "llmsgen lint --quiet", "llmsgen lint --format github", "llmsgen lint --examples"]))
    .action(async (flags: LayoutFlags & ReportFlags & { examples?: boolean }) => {
      const report = reportFor(flags, context);
      const [{ lint }, { formatLintReport }] = await Promise.all([import("../lint.js"), import("./report-lint.js")]);
      const result = lint({ ...layoutOptions(flags, deps), profile: flags.profile, examples: flags.examples === true });
      deps.stdout.write(formatLintReport(result, report, styleFor(deps.stdout, deps.env)));
      context.setExit(result.errors > 0 ? EXIT.findings : EXIT.ok);
    });
}

/** `llmsgen explain ATOM`: where an atom goes in every profile, and what happened to it. */
export function addExplain(program: Command, context: CommandContext): void {
  const { deps } = context;
  withLayoutOptions(program.command("explain"))
    .description("show where an atom goes in every profile, and what the budgets made of it there")
    .argument("<atom>", "an atom id, or the path of an atom file")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--json", "the same as --format json")
    .addHelpText("after", examples(["llmsgen explain policy-defaults", "llmsgen explain atoms/guards/guard-basics.md --profile brief", "llmsgen explain policy-defaults --format json"]))
    .action(async (atom: string, flags: LayoutFlags & ReportFlags) => {
      const format = reportFor(flags, context).format === "json" ? "json" : "text";
      const [{ explain }, { formatExplanation }] = await Promise.all([import("../explain.js"), import("./report-explain.js")]);
      const explanation = explain(atom, { ...layoutOptions(flags, deps), profile: flags.profile });
      deps.stdout.write(formatExplanation(explanation, format, styleFor(deps.stdout, deps.env)));
    });
}

/** `llmsgen init`: a new project with a config, two example atoms and a profile, built once. */
export function addInit(program: Command, context: CommandContext): void {
  const { deps } = context;
  program
    .command("init")
    .description("start an llmsgen project here: a config, two example atoms and a profile, built once")
    .option("--root <dir>", "where to start it (default: the current directory)")
    .option("--atoms <dir>", "atoms dir to create (default: <root>/atoms)")
    .option("--profiles <dir>", "profiles dir to create (default: <root>/profiles)")
    .option("--out <dir>", "out dir to create (default: <root>/out; with --from, the file's folder)")
    .option("--from <file>", "start from an existing hand-written file of tagged sections: each section becomes an atom")
    .helpOption("-h, --help", "show help for this command")
    .addHelpText("after", examples(["llmsgen init", "llmsgen init --atoms docs/atoms --out public/llm", "llmsgen init --from public/llms-full.txt"]))
    .action(async (flags: { root?: string; atoms?: string; profiles?: string; out?: string; from?: string }) => {
      if (flags.root === undefined) refuseNestedProject(deps.cwd);
      const [{ init }, { formatInitReport }] = await Promise.all([import("../init.js"), import("./report-init.js")]);
      const result = init({
        cwd: deps.cwd,
        ...flags,
        warn: (message: string) => deps.stderr.write(`llmsgen: warning: ${message}\n`),
      });
      deps.stdout.write(formatInitReport(result, styleFor(deps.stdout, deps.env)));
      context.setExit(result.build === null ? EXIT.findings : EXIT.ok);
    });
}

/**
 * `init` in a subfolder of a project would start a second project inside it
 * (every command there then finds the inner config): refused, unless `--root`
 * says where the new project goes. A config that cannot be read is left to
 * the commands that use it.
 */
function refuseNestedProject(cwd: string): void {
  let config;
  try {
    config = findConfig(path.dirname(cwd), cwd);
  } catch {
    return;
  }
  if (config) {
    throw new InputError([
      {
        file: config.shown,
        message: "this config already makes a project of a folder that holds the current one: run llmsgen commands there, or give init --root . to start a separate project here anyway",
      },
    ]);
  }
}

function withoutPlans({ plans: _plans, ...outcome }: BuildResult): BuildOutcome {
  return outcome;
}
