import type { ExampleChecker } from "../model.js";
import { describe } from "./validate-atom.js";

/** The language word of a checker: what a fence's info string starts with, and safe in a file name. */
const LANGUAGE = /^[A-Za-z0-9][A-Za-z0-9_+.#-]*$/;
const PLACEHOLDERS = ["{file}", "{info}"];

/**
 * Parses an `examples:` map (language → command) into checkers, reporting
 * each problem through `report(language | undefined, message)`; `where` names
 * the key in messages. The command is split into words at white space, with
 * no shell and no quoting; `{file}` must be one of its words. One function for
 * every place the map may be written (a profile now, a config file later).
 */
export function parseExamples(
  value: unknown,
  where: string,
  report: (language: string | undefined, message: string) => void,
  lineOf: (language: string) => number,
): ExampleChecker[] | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    report(undefined, `'${where}' must be a mapping of a code block language to a checker command, like { sh: "sh -n {file}" }, got ${describe(value)}`);
    return undefined;
  }
  const checkers: ExampleChecker[] = [];
  let valid = true;
  for (const [language, command] of Object.entries(value)) {
    const problem = checkerProblem(language, command);
    if (problem !== undefined) {
      report(language, `${where}.${language}: ${problem}`);
      valid = false;
    } else if (typeof command === "string") {
      checkers.push({ language, command: command.trim().split(/\s+/), line: lineOf(language) });
    }
  }
  return valid ? checkers : undefined;
}

function checkerProblem(language: string, command: unknown): string | undefined {
  if (!LANGUAGE.test(language)) return `the language must be one word of letters, digits and _ + . # - (the first word of a fence's info string), got ${describe(language)}`;
  if (typeof command !== "string" || command.trim() === "") return `the checker must be a command line like "sh -n {file}", got ${describe(command)}`;
  const words = command.trim().split(/\s+/);
  const [program = ""] = words;
  if (PLACEHOLDERS.includes(program)) return `the command must start with the program to run, not ${program}`;
  const embedded = words.find((word) => !PLACEHOLDERS.includes(word) && PLACEHOLDERS.some((placeholder) => word.includes(placeholder)));
  if (embedded !== undefined) return `${describe(embedded)}: {file} and {info} must each be a word of their own (no shell: quotes are not read)`;
  if (!words.includes("{file}")) return "the command needs the word {file}: the path of the file holding the code block";
  return undefined;
}
