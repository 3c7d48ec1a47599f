import { createRequire } from "node:module";
import type { Issue } from "../model.js";
import { parseYamlSource, yamlData, type YamlSource } from "./yaml-source.js";

export interface Frontmatter {
  /** The frontmatter as plain data (a fresh object per call). */
  data: unknown;
  /** Lines of the frontmatter block, for messages. */
  yaml: YamlSource;
  /** Everything after the closing `---` line. */
  body: string;
  /** 1-based line of the file where `body` starts. */
  bodyLine: number;
}

// Loaded on the first atom parsed, not with the module: a build whose atoms all
// come from the cache (a warm build) never loads gray-matter (~20 ms).
const require = createRequire(import.meta.url);
let grayMatter: typeof import("gray-matter") | undefined;

const DELIMITER = "---";
/** `---yaml` asks for the engine llmsgen uses anyway; every other name is refused. */
const YAML_NAMES = new Set(["", "yaml", "yml"]);

/**
 * Splits a normalised atom text into YAML frontmatter and body with
 * gray-matter, on the `yaml` package's parser only. A file that names another
 * engine (`---js`, `---json` …) is refused before gray-matter sees it, and the
 * other engines are replaced by refusals as well, so no frontmatter text is
 * ever evaluated.
 */
export function parseFrontmatter(text: string, file: string): { frontmatter?: Frontmatter; issues: Issue[] } {
  const lines = text.split("\n");
  const first = lines[0] ?? "";
  if (!first.startsWith(DELIMITER)) {
    return fail(file, 1, "expected YAML frontmatter: the file must start with a line '---', then id, title and brief, then '---'");
  }
  const language = first.slice(DELIMITER.length).trim();
  if (first.startsWith(`${DELIMITER}-`)) {
    return fail(file, 1, "the opening frontmatter delimiter must be exactly '---'");
  }
  if (first !== DELIMITER && !YAML_NAMES.has(language.toLowerCase())) {
    return fail(
      file,
      1,
      `frontmatter language '${truncate(language)}' is refused: only YAML frontmatter is read (first line exactly '---'); the block was not evaluated`,
    );
  }
  const closeIndex = lines.findIndex((line, index) => index > 0 && line.startsWith(DELIMITER));
  if (closeIndex === -1) {
    return fail(file, 1, "frontmatter is never closed: add a line '---' after its last key");
  }
  if (lines[closeIndex] !== DELIMITER) {
    return fail(file, closeIndex + 1, `the closing frontmatter delimiter must be exactly '---', got '${truncate(lines[closeIndex] ?? "")}'`);
  }

  let yaml: YamlSource | undefined;
  let yamlIssues: Issue[] = [];
  const parseYaml = (block: string): object => {
    // gray-matter hands over the text after the opening '---', so YAML line n is file line n.
    const parsed = parseYamlSource(block, file);
    yaml = parsed.source;
    yamlIssues = parsed.issues;
    if (yamlIssues.length > 0) return { value: null };
    const data = yamlData(parsed.source, file);
    if ("issue" in data) yamlIssues = [data.issue];
    return { value: "data" in data ? data.data : null };
  };
  if (!grayMatter) {
    const loaded: typeof import("gray-matter") = require("gray-matter");
    grayMatter = loaded;
  }
  const parsed = grayMatter(text, { language: "yaml", engines: { yaml: parseYaml, ...REFUSED_ENGINES } });
  const emptyBlock = yaml === undefined; // gray-matter skips the engine for a block of only comments
  if (yamlIssues.length > 0) return { issues: yamlIssues };
  const data: unknown = emptyBlock ? {} : parsed.data.value;
  return {
    issues: [],
    frontmatter: {
      data,
      yaml: yaml ?? parseYamlSource("", file).source,
      body: parsed.content,
      bodyLine: closeIndex + 2,
    },
  };
}

const refuse = (): never => {
  throw new Error("only YAML frontmatter is allowed");
};
const REFUSED_ENGINES = { json: refuse, javascript: refuse, js: refuse, coffee: refuse, toml: refuse };

function fail(file: string, line: number, message: string): { issues: Issue[] } {
  return { issues: [{ file, line, message }] };
}

function truncate(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
