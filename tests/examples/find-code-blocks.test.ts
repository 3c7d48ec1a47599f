import { describe, expect, it } from "vitest";
import { findCodeBlocks, languageOf } from "../../src/examples/find-code-blocks.js";

describe("finding fenced code blocks", () => {
  it("gives each block's line, whole info string and body", () => {
    const text = ["Intro.", "```mlld run  ", "/show 1", "", "/show 2", "```", "Between.", "~~~", "plain", "~~~"].join("\n");
    expect(findCodeBlocks(text)).toEqual([
      { line: 2, info: "mlld run", body: "/show 1\n\n/show 2\n" },
      { line: 8, info: "", body: "plain\n" },
    ]);
  });

  it("removes the opening fence's indentation from the body, as CommonMark does", () => {
    expect(findCodeBlocks("- item\n\n   ```js\n   let a\n     let b\n let c\n   ```")).toEqual([{ line: 3, info: "js", body: "let a\n  let b\nlet c\n" }]);
  });

  it("closes a fence only with the same character, at least as long, and keeps shorter fences as content", () => {
    const text = ["````md", "```mlld", "inner", "```", "~~~~", "````", "after"].join("\n");
    expect(findCodeBlocks(text)).toEqual([{ line: 1, info: "md", body: "```mlld\ninner\n```\n~~~~\n" }]);
  });

  it("takes a block still open at the end to run to the end, and a backtick info string with a backtick for no fence", () => {
    expect(findCodeBlocks("```a`b\nnot code\n```sh\necho")).toEqual([{ line: 3, info: "sh", body: "echo\n" }]);
  });

  it("selects a checker by the info string's first word", () => {
    expect(findCodeBlocks("```mlld run --offline\nx\n```").map(languageOf)).toEqual(["mlld"]);
    expect(languageOf({ line: 1, info: "", body: "" })).toBe("");
  });
});
