import { groupDigits } from "../render/render-index.js";

export interface OutStream {
  write(text: string): unknown;
  isTTY?: boolean;
  /** Width of the terminal, when it is one. */
  columns?: number;
}

export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
}

const plain = (text: string) => text;
const PLAIN: Style = { bold: plain, dim: plain, red: plain, green: plain, yellow: plain };

/** Colour only on a terminal, and never when NO_COLOR is set (no-color.org). */
export function styleFor(stream: OutStream, env: Readonly<Record<string, string | undefined>>): Style {
  if (!stream.isTTY || (env.NO_COLOR ?? "") !== "") return PLAIN;
  const sgr = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
  return { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39) };
}

/** `12345` → `12,345`, the same on every machine (no locale). */
export function formatCount(value: number): string {
  return value < 0 ? `-${groupDigits(-value)}` : groupDigits(value);
}

/** Pads cells into aligned columns; `right` lists the columns aligned right. */
export function table(rows: readonly (readonly string[])[], right: readonly number[] = []): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (right.includes(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd(),
  );
}
