import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileGlob, isGlob, leavesBase, MAX_EXPANSIONS } from "../../src/load/glob.js";

/** The paths of `paths` that `pattern` matches, in the order given. */
function matches(pattern: string, paths: readonly string[]): string[] {
  const glob = compileGlob(pattern);
  if ("error" in glob) throw new Error(`'${pattern}' ${glob.error}`);
  return paths.filter((candidate) => glob.regex.test(candidate));
}

function errorOf(pattern: string): string | undefined {
  const glob = compileGlob(pattern);
  return "error" in glob ? glob.error : undefined;
}

const TREE = ["a.md", "b.md", "guards/a.md", "guards/b.md", "guards/c.md", "guards/deep/x.md", "guards/deep/er/y.md", "guardsx.md", ".hidden.md", "faq (old).md", "faq old.md", "a*.md", "ab.md", "a[1].md", "a1.md", "{a}.md", "x,y.md", "ü.md", "😀.md"];

describe("glob grammar", () => {
  it("keeps * and ? within one path segment, and matches dot files like any other", () => {
    expect(matches("*.md", TREE)).toEqual(["a.md", "b.md", "guardsx.md", ".hidden.md", "faq (old).md", "faq old.md", "a*.md", "ab.md", "a[1].md", "a1.md", "{a}.md", "x,y.md", "ü.md", "😀.md"]);
    expect(matches("guards/?.md", TREE)).toEqual(["guards/a.md", "guards/b.md", "guards/c.md"]);
    expect(matches("?.md", TREE)).toEqual(["a.md", "b.md", "ü.md", "😀.md"]);
  });

  it("lets ** span folders only as a whole segment, zero folders included", () => {
    expect(matches("guards/**/*.md", TREE)).toEqual(["guards/a.md", "guards/b.md", "guards/c.md", "guards/deep/x.md", "guards/deep/er/y.md"]);
    expect(matches("**/x.md", TREE)).toEqual(["guards/deep/x.md"]);
    expect(matches("guards/**", TREE)).toEqual(["guards/a.md", "guards/b.md", "guards/c.md", "guards/deep/x.md", "guards/deep/er/y.md"]);
    expect(matches("**", TREE)).toEqual(TREE);
    // Elsewhere ** is *: it never crosses a '/'.
    expect(matches("guards**.md", TREE)).toEqual(["guardsx.md"]);
    expect(matches("guards/d**/*.md", TREE)).toEqual(["guards/deep/x.md"]);
  });

  it("expands braces, nested, in the order written", () => {
    expect(matches("guards/{a,c}.md", TREE)).toEqual(["guards/a.md", "guards/c.md"]);
    expect(matches("{guards/{b,c},a}.md", TREE)).toEqual(["a.md", "guards/b.md", "guards/c.md"]);
    expect(matches("guards/{,deep/}x.md", TREE)).toEqual(["guards/deep/x.md"]);
    expect(matches("{**/y,b}.md", TREE)).toEqual(["b.md", "guards/deep/er/y.md"]);
  });

  it("takes braces without a comma, parentheses, commas and other regex characters literally", () => {
    expect(matches("{a}.md", TREE)).toEqual(["{a}.md"]);
    expect(matches("faq (old).md", TREE)).toEqual(["faq (old).md"]);
    expect(matches("x,y.md", TREE)).toEqual(["x,y.md"]);
    expect(matches("a+b|c$.md", ["a+b|c$.md", "ab.md"])).toEqual(["a+b|c$.md"]);
  });

  it("escapes any character with a backslash", () => {
    expect(matches("a\\*.md", TREE)).toEqual(["a*.md"]);
    expect(matches("a\\[1].md", TREE)).toEqual(["a[1].md"]);
    expect(matches("\\{a\\}.md", TREE)).toEqual(["{a}.md"]);
    expect(matches("x\\,y.md", TREE)).toEqual(["x,y.md"]);
  });

  it("matches classes, ranges and negated classes by code point, never '/'", () => {
    expect(matches("a[1].md", TREE)).toEqual(["a1.md"]);
    expect(matches("[a-b].md", TREE)).toEqual(["a.md", "b.md"]);
    expect(matches("[!a].md", ["a.md", "b.md", "!.md"])).toEqual(["b.md", "!.md"]);
    expect(matches("[^a].md", ["a.md", "b.md"])).toEqual(["b.md"]);
    expect(matches("[]x].md", ["].md", "x.md", "y.md"])).toEqual(["].md", "x.md"]);
    expect(matches("guards[!x]a.md", ["guards/a.md", "guardsya.md"])).toEqual(["guardsya.md"]);
    expect(matches("[😀-😂].md", TREE)).toEqual(["😀.md"]);
  });

  it("drops a leading ./ and is case-sensitive", () => {
    expect(matches("./guards/a.md", TREE)).toEqual(["guards/a.md"]);
    expect(matches("A.md", TREE)).toEqual([]);
  });

  it("names what is wrong with a pattern instead of silently matching nothing", () => {
    expect(errorOf("a{b.md")).toBe("has a '{' that is never closed: close it, or write '\\{' for the character");
    expect(errorOf("a[b.md")).toBe("has a '[' that is never closed: close the class with ']', or write '\\[' for the character");
    expect(errorOf("[z-a].md")).toBe("has a class range 'z-a' that runs backwards: write it 'a-z'");
    expect(errorOf("a.md\\")).toBe("ends with a lone '\\': write '\\\\' for the character");
    expect(errorOf("guards//a.md")).toBe("has an empty path segment ('//', or a '/' at either end): remove it");
    expect(errorOf("guards/")).toBe("has an empty path segment ('//', or a '/' at either end): remove it");
    expect(errorOf("guards/./a.md")).toBe("has a '.' path segment: write the path without it");
    expect(errorOf("{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}.md")).toBe(`has braces that expand to more than ${MAX_EXPANSIONS} patterns`);
    expect(errorOf("a".repeat(1001))).toBe("is longer than 1000 characters");
  });

  it("never throws, whatever the pattern", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("a", "b", "/", "*", "?", "[", "]", "!", "^", "-", "{", "}", ",", "\\", ".", "(", ")", "|", "+", "😀"), maxLength: 24 }), (pattern) => {
        const glob = compileGlob(pattern);
        if ("regex" in glob) glob.regex.test("a/b.md");
      }),
      { numRuns: 3000 },
    );
  });
});

describe("which profile entries are globs", () => {
  it("takes / * ? [ or a .md ending for a glob, anything else for an atom id", () => {
    expect(["guards/a", "a*", "a?", "[ab]", "a.md", "{a,b}.md"].map(isGlob)).toEqual([true, true, true, true, true, true]);
    expect(["sign-verify", "{a,b}", "a.mdx"].map(isGlob)).toEqual([false, false, false]);
  });

  it("flags absolute paths and '..' segments as leaving the atoms dir", () => {
    expect(["/etc/*.md", "C:/x.md", "../x.md", "a/../../x.md"].map(leavesBase)).toEqual([true, true, true, true]);
    expect(["a..b.md", "..a/x.md", "a/b.md"].map(leavesBase)).toEqual([false, false, false]);
  });
});
