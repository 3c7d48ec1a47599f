import type { WrapperAttribute } from "../model.js";
import type { PackageJson } from "./read-package-json.js";
import { describeRun, findLongRun } from "./long-runs.js";
import { breaksStructure, describe } from "./validate-atom.js";
import type { YamlPath } from "./yaml-source.js";

type Report = (where: YamlPath, message: string) => void;

/** Names a wrapper attribute may have: a letter or `_` first, then letters, digits, `_`, `-`, `.` or `:`. */
const ATTRIBUTE_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;
/** `${…}`: every placeholder, known or not (an unknown one is an error, never left as text). */
const PLACEHOLDER = /\$\{([^}]*)\}?/g;
const PACKAGE_FIELDS = ["version", "name"];

/**
 * `preamble`: text after the wrapper's opening line, trimmed. A line that
 * would read as a tag line, or a code fence that never closes, would break
 * the structure of the output, so it is refused like an intro's.
 */
export function validatePreamble(value: unknown, report: Report): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value.trim() === "") {
    report(["preamble"], `'preamble' must be text (it may span lines), got ${describe(value)}`);
    return undefined;
  }
  const text = value.trim();
  const run = findLongRun(text);
  if (run) {
    report(["preamble"], `preamble: ${describeRun(run)}`);
    return undefined;
  }
  if (breaksStructure(text) || text.split("\n").some((line) => /^<\/?[A-Z][A-Z0-9_]*( .*)?>$/.test(line))) {
    report(["preamble"], "'preamble' has a line that would read as a section or wrapper tag line, or a code fence that never closes: indent that line, or close the fence");
    return undefined;
  }
  return text;
}

/**
 * `attributes`: a mapping of names to one-line strings, in the order written,
 * with `${package.version}` and `${package.name}` replaced from the root's
 * package.json. Any other `${…}` is an error: nothing else is interpolated.
 */
export function validateAttributes(value: unknown, wrapper: string | undefined, report: Report, packageJson: () => PackageJson): WrapperAttribute[] | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== "object" || Array.isArray(value) || Object.keys(value).length === 0) {
    report(["attributes"], `'attributes' must be a mapping of names to strings, like { version: "\${package.version}" }, got ${describe(value)}`);
    return undefined;
  }
  if (wrapper === undefined) {
    report(["attributes"], "'attributes' needs a 'wrapper': they are written on the wrapper's opening line (<WRAPPER name=\"value\">)");
    return undefined;
  }
  const attributes: WrapperAttribute[] = [];
  let failed = false;
  for (const [name, raw] of Object.entries(value)) {
    const at: YamlPath = ["attributes", name];
    const fail = (message: string) => {
      failed = true;
      report(at, `attributes.${name} ${message}`);
    };
    if (!ATTRIBUTE_NAME.test(name)) {
      fail("is not an attribute name: use letters, digits, '_', '-', '.' or ':', starting with a letter or '_'");
      continue;
    }
    if (typeof raw !== "string") {
      fail(`must be a string, got ${describe(raw)}: quote it (${name}: "${String(raw)}")`);
      continue;
    }
    const filled = fillPlaceholders(raw, packageJson);
    if ("problem" in filled) {
      fail(filled.problem);
      continue;
    }
    if (filled.value.includes("\n") || filled.value.includes("\r")) {
      fail("must be one line: the wrapper's opening line carries it");
      continue;
    }
    const run = findLongRun(filled.value);
    if (run) {
      fail(`: ${describeRun(run)}`);
      continue;
    }
    attributes.push({ name, value: filled.value });
  }
  return failed ? undefined : attributes;
}

function fillPlaceholders(raw: string, packageJson: () => PackageJson): { value: string } | { problem: string } {
  let problem: string | undefined;
  const value = raw.replace(PLACEHOLDER, (whole: string, inner: string) => {
    if (problem !== undefined) return whole;
    const field = /^package\.([a-z]+)$/.exec(inner)?.[1];
    if (!whole.endsWith("}")) {
      problem = `has '\${' without a closing '}': the only placeholders are \${package.version} and \${package.name}`;
      return whole;
    }
    if (field === undefined || !PACKAGE_FIELDS.includes(field)) {
      problem = `uses the placeholder ${whole}, which llmsgen does not know: the only placeholders are \${package.version} and \${package.name}`;
      return whole;
    }
    const read = packageJson();
    if ("problem" in read) {
      problem = `uses ${whole}, but ${read.problem}: add one with a "${field}" field, or write the value out`;
      return whole;
    }
    const found = read.fields[field];
    if (typeof found !== "string" || found.trim() === "") {
      problem = `uses ${whole}, but package.json has no "${field}" string field${found === undefined ? "" : ` (got ${describe(found)})`}: add it, or write the value out`;
      return whole;
    }
    return found;
  });
  return problem === undefined ? { value } : { problem };
}
