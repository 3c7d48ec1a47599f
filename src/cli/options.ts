import path from "node:path";
import { Command, Option } from "commander";
import { LlmsgenError } from "../errors.js";
import { withConfig, type LayoutOptions } from "../load/layout.js";
import { findConfig, loadConfigFile } from "../load/load-config.js";
import type { WriteFault } from "../model.js";
import { FORMATS, type Format, type ReportOptions } from "./report-format.js";
import type { OutStream } from "./style.js";

/** Everything the CLI touches of the world, injected so tests can run it in-process. */
export interface CliDeps {
  stdout: OutStream;
  stderr: OutStream;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** A clock in milliseconds, for the progress display; default Date.now. */
  now?: () => number;
  /** Called before each write step of build and sync --adopt: tests inject a full disk or a refused rename here. */
  fault?: WriteFault;
}

/** The flags every project command takes. */
export interface LayoutFlags {
  root?: string;
  atoms?: string;
  profiles?: string;
  out?: string;
  profile: string[];
  /** false with --no-cache, a dir with --cache DIR, true (commander's default) otherwise. */
  cache?: string | boolean;
  /** false with --no-config, a file with --config FILE, true (commander's default) otherwise. */
  config?: string | boolean;
}

/** The flags of every command that reports: `--format`, its `--json` alias, `--quiet`. */
export interface ReportFlags {
  format: Format;
  json?: boolean;
  quiet?: boolean;
}

/** `--root/--atoms/--profiles/--out`, `--profile`, the cache and the config: what every project command takes. */
export function withLayoutOptions(command: Command): Command {
  return command
    .addOption(new Option("--profile <name|path>", "profile to use, by name or path; repeatable").argParser(collect).default([], "every profile in the profiles dir"))
    .option("--root <dir>", "project root (default: the config file's folder, else the current directory)")
    .option("--atoms <dir>", "atoms dir (default: <root>/atoms)")
    .option("--profiles <dir>", "profiles dir (default: <root>/profiles)")
    .option("--out <dir>", "out dir (default: <root>/out)")
    .option("--cache <dir>", "cache dir for token counts and parsed atoms (default: <root>/.llmsgen-cache)")
    .option("--no-cache", "neither read nor write the cache")
    .option("--config <file>", "read settings from this file (default: the nearest llmsgen.config.yaml, or package.json \"llmsgen\" key, at or above the current directory)")
    .option("--no-config", "read no config file")
    .helpOption("-h, --help", "show help for this command");
}

/** `--format text|json|github` (or the formats given), `--json`, `-q/--quiet`. */
export function withReportOptions(command: Command, formats: readonly Format[] = FORMATS): Command {
  return command
    .addOption(new Option("--format <format>", "output format").choices(formats).default("text"))
    .option("--json", "the same as --format json")
    .option("-q, --quiet", "print only problems");
}

/** The report options the flags ask for; `--json` with another `--format` is bad usage. */
export function reportOptions(flags: ReportFlags): ReportOptions {
  if (flags.json && flags.format !== "text" && flags.format !== "json") throw new LlmsgenError(`--json means --format json: give one of --json and --format ${flags.format}`);
  return { format: flags.json ? "json" : flags.format, quiet: flags.quiet === true };
}

/**
 * The layout options a command runs with: its flags over the project's
 * config. The config is `--config FILE`, or the nearest one at or above the
 * `--root` dir (when given) or the current directory; `--no-config` reads none.
 */
export function layoutOptions(flags: LayoutFlags, deps: CliDeps): LayoutOptions {
  const given: LayoutOptions = {
    cwd: deps.cwd,
    ...(flags.root === undefined ? {} : { root: flags.root }),
    ...(flags.atoms === undefined ? {} : { atoms: flags.atoms }),
    ...(flags.profiles === undefined ? {} : { profiles: flags.profiles }),
    ...(flags.out === undefined ? {} : { out: flags.out }),
    ...(flags.cache === undefined || flags.cache === true ? {} : { cache: flags.cache }),
    warn: (message: string) => deps.stderr.write(`llmsgen: warning: ${message}\n`),
  };
  const config =
    flags.config === false
      ? undefined
      : typeof flags.config === "string"
        ? loadConfigFile(path.resolve(deps.cwd, flags.config), deps.cwd)
        : findConfig(path.resolve(deps.cwd, flags.root ?? "."), deps.cwd);
  return withConfig(given, config);
}

/** The format asked for on a command line, found before (or without) commander parsing it: usage errors are reported in it too. */
export function formatInArgv(argv: readonly string[]): Format {
  let format: Format = "text";
  argv.forEach((arg, index) => {
    const value = arg === "--format" ? argv[index + 1] : arg.startsWith("--format=") ? arg.slice("--format=".length) : arg === "--json" ? "json" : undefined;
    const known = FORMATS.find((candidate) => candidate === value);
    if (known) format = known;
  });
  return format;
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function examples(lines: readonly string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join("\n")}\n`;
}
