import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const SRC = path.join(import.meta.dirname, "../src");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

/** Each place in src/ where `visit` finds something, as `file:line: text`. */
function find(visit: (node: ts.Node) => boolean): string[] {
  const found: string[] = [];
  for (const file of sources(SRC)) {
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const walk = (node: ts.Node): void => {
      if (visit(node)) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
        found.push(`${path.relative(SRC, file)}:${line + 1}: ${node.getText(source).slice(0, 80)}`);
      }
      ts.forEachChild(node, walk);
    };
    walk(source);
  }
  return found;
}

describe("the source", () => {
  it("narrows types instead of casting them (`as const` aside)", () => {
    const casts = find((node) => (ts.isAsExpression(node) && node.type.getText() !== "const") || ts.isTypeAssertionExpression(node));
    expect(casts).toEqual([]);
  });

  it("keeps domain values plain: no getter on an object literal, no defineProperty (handles are classes)", () => {
    const hidden = find(
      (node) =>
        (ts.isGetAccessorDeclaration(node) && ts.isObjectLiteralExpression(node.parent)) ||
        (ts.isPropertyAccessExpression(node) && node.name.text === "defineProperty" && node.expression.getText() === "Object"),
    );
    expect(hidden).toEqual([]);
  });
});
