import path from "node:path";
import { Command, CommanderError } from "commander";
import { BusyError, ConcurrentEditError, InputError, LlmsgenError } from "../errors.js";
import { llmsgenVersion } from "../version.js";
import { addBuild, addExplain, addInit, addLint, addSync, addSyncCheck, EXIT, type CommandContext } from "./commands.js";
import { examples, formatInArgv, type CliDeps } from "./options.js";
import { formatErrors, type ErrorEntry, type Format } from "./report-format.js";

export { EXIT } from "./commands.js";
export type { CliDeps } from "./options.js";

/** Runs the CLI with `argv` (without node and script) and resolves to the exit code. */
export async function main(argv: readonly string[], deps: CliDeps): Promise<number> {
  let code: number = EXIT.ok;
  // Known before commander parses, so that a usage error is printed in the format asked for too.
  let format = formatInArgv(argv);
  const program = createProgram({
    deps,
    setExit: (exitCode) => (code = exitCode),
    setFormat: (asked) => (format = asked),
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (error) {
    return reportError(error, deps, format);
  }
}

function createProgram(context: CommandContext): Command {
  const { deps } = context;
  const program = new Command("llmsgen")
    .description("Build token-budgeted LLM context bundles from markdown atoms, and keep hand edits from being lost.")
    .version(llmsgenVersion(), "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => deps.stdout.write(text),
      writeErr: (text) => deps.stderr.write(text),
      // A mistyped flag is never answered with the one flag that destroys hand-written text.
      outputError: (text, write) => write(text.replace(/\n\(Did you mean --force\?\)/, "")),
      // The same help on every terminal: tests and docs can quote it exactly.
      getOutHelpWidth: () => 80,
      getErrHelpWidth: () => 80,
    })
    .addHelpText(
      "after",
      examples(["llmsgen init", "llmsgen build --profile full", "llmsgen sync-check", "llmsgen sync --adopt --dry-run", "llmsgen lint", "llmsgen explain ATOM_ID"]) +
        "\nExit codes: 0 ok, 1 findings or refused to overwrite hand-written text, 2 bad input or usage, 3 internal error,\n4 another llmsgen is writing the project (try again when it is done).\n",
    );
  addInit(program, context);
  addBuild(program, context);
  addSyncCheck(program, context);
  addSync(program, context);
  addLint(program, context);
  addExplain(program, context);
  return program;
}

/**
 * The one catch: expected errors print one line each on stderr (and, with
 * `--format json|github`, the same problems on stdout in that format);
 * anything else is a bug and prints its stack.
 */
function reportError(error: unknown, deps: CliDeps, format: Format): number {
  const inFormat = (errors: readonly ErrorEntry[], title: string) => {
    if (format !== "text") deps.stdout.write(formatErrors(errors, format, title));
  };
  if (error instanceof CommanderError) {
    // Help and version exit 0; every usage error is bad input (commander itself would exit 1). Commander printed the message.
    if (error.exitCode === 0) return EXIT.ok;
    inFormat([{ message: error.message.replace(/^error: /, "") }], "llmsgen usage");
    return EXIT.input;
  }
  if (error instanceof InputError) {
    deps.stderr.write(`${error.message}\n`);
    inFormat(error.issues, "llmsgen bad input");
    return EXIT.input;
  }
  if (error instanceof ConcurrentEditError || error instanceof BusyError) {
    deps.stderr.write(`llmsgen: ${error.message}\n`);
    inFormat([{ message: error.message }], error instanceof BusyError ? "llmsgen busy" : "llmsgen refused");
    return error instanceof BusyError ? EXIT.busy : EXIT.findings;
  }
  if (error instanceof LlmsgenError) {
    deps.stderr.write(`llmsgen: ${error.message}\n`);
    inFormat([{ message: error.message }], "llmsgen bad input");
    return EXIT.input;
  }
  const system = fileError(error, deps.cwd);
  if (system) {
    deps.stderr.write(`${system.path}: ${system.code}: ${system.explanation}\n`);
    inFormat([{ file: system.path, message: `${system.code}: ${system.explanation}` }], "llmsgen bad input");
    return EXIT.input;
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  deps.stderr.write(`llmsgen: internal error, please report it with this trace:\n${stack}\n`);
  inFormat([{ message: `internal error: ${error instanceof Error ? error.message : String(error)}` }], "llmsgen internal error");
  return EXIT.internal;
}

/** A file-system error about a path the user gave or chose: bad input, said plainly. */
function fileError(error: unknown, cwd: string): { path: string; code: string; explanation: string } | undefined {
  if (!(error instanceof Error) || !("code" in error) || !("path" in error)) return undefined;
  const { code, path: file } = error;
  if (typeof code !== "string" || typeof file !== "string") return undefined;
  const explanation = FILE_ERRORS.get(code);
  const shown = path.relative(cwd, file).split(path.sep).join("/") || ".";
  return explanation === undefined ? undefined : { path: shown, code, explanation };
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
