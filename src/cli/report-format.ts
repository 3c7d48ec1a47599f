/** The output formats every reporting command takes (`--format`). */
export const FORMATS = ["text", "json", "github"] as const;
export type Format = (typeof FORMATS)[number];

/** How a command prints its result: the format, and whether only problems are shown (`--quiet`). */
export interface ReportOptions {
  format: Format;
  quiet: boolean;
}

/** One problem a command could not get past (bad input, bad usage, a bug), as JSON and annotations show it. */
export interface ErrorEntry {
  file?: string;
  line?: number;
  message: string;
}

/** `{"ok": false, "errors": [...]}` on stdout, or one `::error` per problem: a CI job reads failures in its own format. */
export function formatErrors(errors: readonly ErrorEntry[], format: "json" | "github", title: string): string {
  if (format === "json") {
    const entries = errors.map(({ file, line, message }) => ({ ...(file === undefined ? {} : { file }), ...(line === undefined ? {} : { line }), message }));
    return json({ ok: false, errors: entries });
  }
  return errors.map((error) => (isFlag(error.file) ? annotation("error", { title: "llmsgen" }, `${error.file}: ${error.message}`) : annotation("error", { ...error, title }, error.message))).join("");
}

/** A problem placed at a flag (`--profile nope`) has no file to annotate: the flag goes into the message. */
function isFlag(file: string | undefined): file is string {
  return file !== undefined && file.startsWith("-");
}

export interface AnnotationPlace {
  file?: string;
  line?: number;
  endLine?: number;
  title: string;
}

/** A GitHub Actions workflow command (`::error file=…,line=…,endLine=…,title=…::message`), one line with its newline. */
export function annotation(level: "error" | "warning" | "notice", place: AnnotationPlace, message: string): string {
  const properties = [
    place.file === undefined ? undefined : `file=${escapeProperty(place.file)}`,
    place.line === undefined ? undefined : `line=${place.line}`,
    place.line === undefined || place.endLine === undefined ? undefined : `endLine=${place.endLine}`,
    `title=${escapeProperty(place.title)}`,
  ].filter((property) => property !== undefined);
  return `::${level} ${properties.join(",")}::${escapeData(message)}\n`;
}

/** Pretty JSON with a final newline, the one way every command prints its machine form. */
export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** `3 findings`, `1 finding`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
