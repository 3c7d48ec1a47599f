import path from "node:path";
import type { Layout, WrapperAttribute } from "../model.js";
import { TAG_LINE } from "../render/scan-markdown.js";
import { openLine } from "../render/segments.js";
import { configText, type StarterFile } from "./starter-project.js";

/** What `init --from` makes a profile of: the existing file, its place below the out dir, and its wrapper. */
export interface ExistingOutput {
  /** The profile's name, from the file's name. */
  name: string;
  /** The file's path relative to the out dir, `/` separators. */
  output: string;
  wrapper?: string;
  /** The wrapper's attributes as the file has them, written into the profile as literal strings. */
  attributes?: WrapperAttribute[];
  preamble?: string;
  /** False when the file does not end with a newline. */
  finalNewline?: false;
}

/**
 * The files `init --from` writes before adoption fills them in: the config,
 * and a profile for the existing file with an empty `sections:` list, into
 * which adoption inserts one entry per section of the file. Pure.
 */
export function adoptedProject(layout: Layout, configFile: string, existing: ExistingOutput): StarterFile[] {
  const profile = [
    `# The profile of ${existing.output}, made from the file by llmsgen init --from: one`,
    "# section entry per section of the file, each naming the atom made of its text.",
    `output: ${existing.output}`,
    ...(existing.wrapper === undefined ? [] : [`wrapper: ${existing.wrapper}`]),
    ...(existing.attributes === undefined ? [] : ["attributes:", ...existing.attributes.map(({ name, value }) => `  ${name}: ${JSON.stringify(value)}`)]),
    // JSON strings are YAML double-quoted scalars: the preamble reads back exactly.
    ...(existing.preamble === undefined ? [] : [`preamble: ${JSON.stringify(existing.preamble)}`]),
    ...(existing.finalNewline === undefined ? [] : ["final_newline: false"]),
    "sections: []",
    "",
  ].join("\n");
  return [
    { file: configFile, text: configText(layout) },
    { file: path.join(layout.profilesDir, `${existing.name}.yaml`), text: profile },
  ];
}

/** A profile name for a file: its name without the extension, as lower-case words joined by `-` (`LLMS Security.txt` → `llms-security`). */
export function profileNameOf(file: string): string {
  const words = path.basename(file, path.extname(file)).toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  return words.length === 0 ? "main" : words.join("-");
}

/** An opening wrapper line with attributes: `<GUIDE version="1" lang="en">`. */
const OPEN_WITH_ATTRIBUTES = /^<([A-Z][A-Z0-9_]*)((?: [A-Za-z_][A-Za-z0-9_.:-]*="[^"]*")*)>$/;
const ATTRIBUTE = / ([A-Za-z_][A-Za-z0-9_.:-]*)="([^"]*)"/g;
const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"' };

/**
 * The frame of a hand-written file of tagged sections, as profile keys: the
 * wrapper (a tag on its first line whose closing tag is its last line, with
 * tag lines between them) and its attributes, the text between the
 * wrapper's opening line and the first section (the preamble), and a
 * missing final newline. Attributes are taken only where the profile writes
 * them back byte for byte (no `${`, which a profile interpolates).
 */
export function frameOf(text: string): Pick<ExistingOutput, "wrapper" | "attributes" | "preamble" | "finalNewline"> {
  const finalNewline = text.endsWith("\n") ? {} : { finalNewline: false as const };
  const lines = text.replace(/\r\n?/g, "\n").replace(/\n+$/, "").split("\n");
  const wrapper = wrapperOfLines(lines);
  const inner = wrapper === undefined ? lines : lines.slice(1, -1);
  const first = inner.findIndex((line) => TAG_LINE.test(line));
  const head = inner.slice(0, Math.max(first, 0));
  // A line that reads as a wrapper line (one not taken, say) is no preamble: adoption reports it.
  const preamble = head.some((line) => /^<\/?[A-Z][A-Z0-9_]*( .*)?>$/.test(line)) ? "" : head.join("\n").trim();
  return { ...wrapper, ...(preamble === "" ? {} : { preamble }), ...finalNewline };
}

function wrapperOfLines(lines: readonly string[]): { wrapper: string; attributes?: WrapperAttribute[] } | undefined {
  const first = lines[0] ?? "";
  const open = OPEN_WITH_ATTRIBUTES.exec(first);
  const close = TAG_LINE.exec(lines[lines.length - 1] ?? "");
  const wrapper = open?.[1];
  if (!open || wrapper === undefined || !close || close[1] !== "/" || wrapper !== close[2] || lines.length < 3) return undefined;
  if (!lines.slice(1, -1).some((line) => TAG_LINE.test(line))) return undefined;
  // Both groups of ATTRIBUTE take part in every match: the defaults are never used.
  const attributes = [...(open[2] ?? "").matchAll(ATTRIBUTE)].map(([, name = "", value = ""]) => ({ name, value: value.replace(/&(amp|lt|gt|quot);/g, (entity) => ENTITIES[entity] ?? entity) }));
  if (attributes.length === 0) return { wrapper };
  // Only what the profile writes back exactly: a value with `${` would be interpolated, an odd entity re-encoded.
  const exact = attributes.every(({ value }) => !value.includes("${")) && new Set(attributes.map(({ name }) => name)).size === attributes.length && openLine(wrapper, attributes) === first;
  return exact ? { wrapper, attributes } : undefined;
}
