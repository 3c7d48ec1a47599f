import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ParsedOutput } from "../../src/model.js";
import { MAX_DEPTH, MAX_PROBLEMS, parseOutput } from "../../src/render/parse-output.js";
import { renderFile, renderSection } from "../../src/render/render-output.js";

/** A file from its lines, each ended by "\n". */
const file = (...lines: string[]): string => lines.map((line) => `${line}\n`).join("");

/** The whole parse result, with the defaults of a file that has no wrapper. */
function parsed(fields: Partial<ParsedOutput> & Pick<ParsedOutput, "sections" | "gaps" | "lineCount">): ParsedOutput {
  return { malformed: [], brokenTags: new Set(), finalNewline: true, ...fields };
}

describe("parseOutput: code fences", () => {
  it("reads tag lines inside a ``` fence as content", () => {
    const text = file("<GUIDE>", "Tags in HTML look like this:", "```html", "</GUIDE>", "<OTHER>", "```", "</GUIDE>");

    expect(parseOutput(text)).toEqual(
      parsed({
        sections: [{ tag: "GUIDE", open: 1, close: 7, text: text.slice(0, -1) }],
        gaps: [
          { start: 1, lines: [], position: "first", besideBroken: false },
          { start: 8, lines: [], position: "last", besideBroken: false },
        ],
        lineCount: 7,
      }),
    );
  });

  it("reads tag lines and ``` lines inside a ~~~ fence as content", () => {
    const text = file("<GUIDE>", "~~~", "```", "</GUIDE>", "```", "~~~", "</GUIDE>");

    expect(parseOutput(text).sections).toEqual([{ tag: "GUIDE", open: 1, close: 7, text: text.slice(0, -1) }]);
  });

  it("does not close a ```` fence on a shorter ``` line", () => {
    const text = file("<GUIDE>", "A fence inside a fence:", "````markdown", "```", "</GUIDE>", "```", "````", "</GUIDE>");

    const result = parseOutput(text);

    expect(result.malformed).toEqual([]);
    expect(result.sections).toEqual([{ tag: "GUIDE", open: 1, close: 8, text: text.slice(0, -1) }]);
  });

  it("opens a fence with an info string and indentation up to three spaces, and closes it on a bare fence with trailing spaces", () => {
    const text = file("<GUIDE>", '   ```ts title="guard.ts"', "</GUIDE>", "```ts", "</GUIDE>", "```   ", "</GUIDE>");

    expect(parseOutput(text).sections).toEqual([{ tag: "GUIDE", open: 1, close: 7, text: text.slice(0, -1) }]);
  });

  it("does not take a backtick line whose info string holds a backtick, or a four-space indented one, as a fence", () => {
    const inline = file("<GUIDE>", "``` this has `code` in it", "</GUIDE>", "", "<NEXT>", "    ```", "</NEXT>");

    expect(parseOutput(inline)).toEqual(
      parsed({
        sections: [
          { tag: "GUIDE", open: 1, close: 3, text: "<GUIDE>\n``` this has `code` in it\n</GUIDE>" },
          { tag: "NEXT", open: 5, close: 7, text: "<NEXT>\n    ```\n</NEXT>" },
        ],
        gaps: [
          { start: 1, lines: [], position: "first", besideBroken: false },
          { start: 4, lines: [""], position: "middle", besideBroken: false },
          { start: 8, lines: [], position: "last", besideBroken: false },
        ],
        lineCount: 7,
      }),
    );
  });

  it("reports a fence left open inside a section as malformed, with both lines, instead of throwing", () => {
    const text = file("<GUIDE>", "Run this:", "```sh", "echo ready", "</GUIDE>", "", "<NEXT>", "More.", "</NEXT>");

    expect(parseOutput(text)).toEqual(
      parsed({
        sections: [],
        gaps: [],
        malformed: [
          {
            line: 1,
            tag: "GUIDE",
            message: "<GUIDE> is never closed (a code fence opened on line 3 never closes, so later tag lines read as code)",
          },
        ],
        brokenTags: new Set(["GUIDE"]),
        lineCount: 9,
      }),
    );
  });

  it("does not track fences outside sections: a stray ``` line cannot swallow the sections after it", () => {
    const text = file("```", "", "<GUIDE>", "Text.", "</GUIDE>");

    expect(parseOutput(text)).toEqual(
      parsed({
        sections: [{ tag: "GUIDE", open: 3, close: 5, text: "<GUIDE>\nText.\n</GUIDE>" }],
        gaps: [
          { start: 1, lines: ["```", ""], position: "first", besideBroken: false },
          { start: 6, lines: [], position: "last", besideBroken: false },
        ],
        lineCount: 5,
      }),
    );
  });
});

describe("parseOutput: bytes a build never writes", () => {
  it("reads CRLF lines as text, not tag lines, and does not throw", () => {
    expect(parseOutput("<GUIDE>\r\nText.\r\n</GUIDE>\r\n")).toEqual(
      parsed({
        sections: [],
        gaps: [{ start: 1, lines: ["<GUIDE>\r", "Text.\r", "</GUIDE>\r"], position: "only", besideBroken: false }],
        lineCount: 3,
      }),
    );
  });

  it("does not read a first line behind a byte order mark as a tag line, and does not throw", () => {
    expect(parseOutput("\uFEFF<GUIDE>\nText.\n</GUIDE>\n")).toEqual(
      parsed({
        sections: [],
        gaps: [
          { start: 1, lines: ["\uFEFF<GUIDE>", "Text."], position: "first", besideBroken: true },
        ],
        malformed: [{ line: 3, tag: "GUIDE", message: "</GUIDE> closes a section that was never opened" }],
        brokenTags: new Set(["GUIDE"]),
        lineCount: 3,
      }),
    );
  });

  it("does not read a tag line with trailing spaces as a tag line, and does not throw", () => {
    expect(parseOutput("<GUIDE>  \nText.\n</GUIDE>\n")).toEqual(
      parsed({
        sections: [],
        gaps: [
          { start: 1, lines: ["<GUIDE>  ", "Text."], position: "first", besideBroken: true },
        ],
        malformed: [{ line: 3, tag: "GUIDE", message: "</GUIDE> closes a section that was never opened" }],
        brokenTags: new Set(["GUIDE"]),
        lineCount: 3,
      }),
    );
  });

  it("notes a missing final newline", () => {
    const result = parseOutput("<GUIDE>\nText.\n</GUIDE>");

    expect({ finalNewline: result.finalNewline, lineCount: result.lineCount, sections: result.sections.length }).toEqual({
      finalNewline: false,
      lineCount: 3,
      sections: 1,
    });
  });
});

describe("parseOutput: broken structure becomes malformed problems", () => {
  it("reports an unclosed section at its open line", () => {
    expect(parseOutput(file("<GUIDE>", "Text."))).toEqual(
      parsed({
        sections: [],
        gaps: [],
        malformed: [{ line: 1, tag: "GUIDE", message: "<GUIDE> is never closed" }],
        brokenTags: new Set(["GUIDE"]),
        lineCount: 2,
      }),
    );
  });

  it("reports a close tag that was never opened at its line", () => {
    expect(parseOutput(file("Text.", "</GUIDE>")).malformed).toEqual([
      { line: 2, tag: "GUIDE", message: "</GUIDE> closes a section that was never opened" },
    ]);
  });

  it("reports a close tag that does not match the open one, and the open one that then never closes", () => {
    const result = parseOutput(file("<GUIDE>", "Text.", "</OTHER>"));

    expect({ malformed: result.malformed, brokenTags: result.brokenTags, sections: result.sections }).toEqual({
      malformed: [
        { line: 1, tag: "GUIDE", message: "<GUIDE> is never closed" },
        { line: 3, tag: "OTHER", message: "</OTHER> does not match the open <GUIDE> (line 1)" },
      ],
      brokenTags: new Set(["GUIDE", "OTHER"]),
      sections: [],
    });
  });

  it("reports a mismatched close inside a section that does close, and keeps the sound section after it", () => {
    const result = parseOutput(file("<GUIDE>", "Text.", "</OTHER>", "</GUIDE>", "", "<NEXT>", "Fine.", "</NEXT>"));

    expect({ malformed: result.malformed, sections: result.sections }).toEqual({
      malformed: [{ line: 3, tag: "OTHER", message: "</OTHER> does not match the open <GUIDE> (line 1)" }],
      sections: [{ tag: "NEXT", open: 6, close: 8, text: "<NEXT>\nFine.\n</NEXT>" }],
    });
  });

  it("reports a nested section at the inner open line, and trusts neither block", () => {
    const result = parseOutput(file("<OUTER>", "<INNER>", "Text.", "</INNER>", "</OUTER>"));

    expect({ ...result, malformed: result.malformed.map(({ line, tag }) => ({ line, tag })) }).toEqual(
      parsed({
        sections: [],
        gaps: [],
        malformed: [{ line: 2, tag: "INNER" }] as ParsedOutput["malformed"],
        brokenTags: new Set(["OUTER", "INNER"]),
        lineCount: 5,
      }),
    );
  });

  // Every line in a message is 1-based, like the finding's own line.
  it("names the outer section's 1-based open line in the nesting message", () => {
    expect(parseOutput(file("<OUTER>", "<INNER>", "Text.", "</INNER>", "</OUTER>")).malformed).toEqual([
      { line: 2, tag: "INNER", message: "<INNER> opens inside <OUTER> (opened on line 1): sections cannot nest" },
    ]);
  });

  it("reports a nested section that the outer close line cuts off, at the inner open line", () => {
    const malformed = parseOutput(file("<OUTER>", "<INNER>", "Text.", "</OUTER>")).malformed;

    expect(malformed.map(({ line, tag }) => ({ line, tag }))).toEqual([
      { line: 2, tag: "INNER" },
      { line: 2, tag: "INNER" },
    ]);
    expect(malformed[1]?.message).toBe("<INNER> is never closed before </OUTER> on line 4");
  });

  // Same bug as above, seen through a cut-off nested section.
  it("reports both problems of a cut-off nested section with 1-based lines in their messages", () => {
    expect(parseOutput(file("<OUTER>", "<INNER>", "Text.", "</OUTER>")).malformed).toEqual([
      { line: 2, tag: "INNER", message: "<INNER> opens inside <OUTER> (opened on line 1): sections cannot nest" },
      { line: 2, tag: "INNER", message: "<INNER> is never closed before </OUTER> on line 4" },
    ]);
  });

  it("reports a duplicate tag at its second open line and trusts neither copy", () => {
    const result = parseOutput(file("<GUIDE>", "One.", "</GUIDE>", "", "<GUIDE>", "Two.", "</GUIDE>"));

    expect({ malformed: result.malformed, sections: result.sections, brokenTags: result.brokenTags }).toEqual({
      malformed: [{ line: 5, tag: "GUIDE", message: "<GUIDE> appears twice (first on line 1): each tag may appear once" }],
      sections: [],
      brokenTags: new Set(["GUIDE"]),
    });
  });
});

describe("parseOutput: the wrapper", () => {
  const wrapped = file("<BUNDLE>", "", "<GUIDE>", "Text.", "</GUIDE>", "", "</BUNDLE>");

  it("takes the first and last lines as the wrapper when one is expected", () => {
    expect(parseOutput(wrapped, { wrapper: "BUNDLE" })).toEqual(
      parsed({
        wrapper: { tag: "BUNDLE", open: 1, close: 7 },
        sections: [{ tag: "GUIDE", open: 3, close: 5, text: "<GUIDE>\nText.\n</GUIDE>" }],
        gaps: [
          { start: 1, lines: [], position: "first", besideBroken: false },
          { start: 2, lines: [""], position: "middle", besideBroken: false },
          { start: 6, lines: [""], position: "middle", besideBroken: false },
          { start: 8, lines: [], position: "last", besideBroken: false },
        ],
        lineCount: 7,
      }),
    );
  });

  it("reads the same lines as a nested section when no wrapper is expected", () => {
    const result = parseOutput(wrapped);

    expect({ wrapper: result.wrapper, sections: result.sections, problems: result.malformed.map(({ line, tag }) => ({ line, tag })) }).toEqual({
      wrapper: undefined,
      sections: [],
      problems: [{ line: 3, tag: "GUIDE" }],
    });
  });

  it("takes a first line <W> without its closing line as the wrapper, and reads what follows as sections", () => {
    const result = parseOutput(file("<BUNDLE>", "", "<GUIDE>", "Text.", "</GUIDE>", "", "</PACK>"), { wrapper: "BUNDLE" });

    expect({ wrapper: result.wrapper, sections: result.sections, malformed: result.malformed }).toEqual({
      wrapper: { tag: "BUNDLE", open: 1 },
      sections: [{ tag: "GUIDE", open: 3, close: 5, text: "<GUIDE>\nText.\n</GUIDE>" }],
      malformed: [{ line: 7, tag: "PACK", message: "</PACK> closes a section that was never opened" }],
    });
  });

  it("reads a section after the wrapper's closing line as a section, with no nesting problem", () => {
    const result = parseOutput(file("<BUNDLE>", "", "<GUIDE>", "Text.", "</GUIDE>", "", "</BUNDLE>", "", "<NEW>", "Added.", "</NEW>"), { wrapper: "BUNDLE" });

    expect(result).toEqual(
      parsed({
        wrapper: { tag: "BUNDLE", open: 1, close: 7 },
        sections: [
          { tag: "GUIDE", open: 3, close: 5, text: "<GUIDE>\nText.\n</GUIDE>" },
          { tag: "NEW", open: 9, close: 11, text: "<NEW>\nAdded.\n</NEW>" },
        ],
        gaps: [
          { start: 1, lines: [], position: "first", besideBroken: false },
          { start: 2, lines: [""], position: "middle", besideBroken: false },
          { start: 6, lines: [""], position: "middle", besideBroken: false },
          { start: 8, lines: [""], position: "middle", besideBroken: false },
          { start: 12, lines: [], position: "last", besideBroken: false },
        ],
        lineCount: 11,
      }),
    );
  });

  it("reads a section before the wrapper's opening line as a section", () => {
    const result = parseOutput(file("<NEW>", "Added.", "</NEW>", "<BUNDLE>", "", "<GUIDE>", "Text.", "</GUIDE>", "", "</BUNDLE>"), { wrapper: "BUNDLE" });

    expect({ wrapper: result.wrapper, tags: result.sections.map((section) => [section.tag, section.open]), malformed: result.malformed }).toEqual({
      wrapper: { tag: "BUNDLE", open: 4, close: 10 },
      tags: [
        ["NEW", 1],
        ["GUIDE", 6],
      ],
      malformed: [],
    });
  });

  it("reads a different tag pair on the first and last lines as a changed wrapper", () => {
    const result = parseOutput(file("<PACK>", "", "<GUIDE>", "Text.", "</GUIDE>", "", "</PACK>"), { wrapper: "BUNDLE", sectionTags: new Set(["GUIDE"]) });

    expect({ wrapper: result.wrapper, tags: result.sections.map((section) => section.tag), malformed: result.malformed }).toEqual({
      wrapper: { tag: "PACK", open: 1, close: 7 },
      tags: ["GUIDE"],
      malformed: [],
    });
  });

  it("never reads a section the build writes as a changed wrapper", () => {
    const result = parseOutput(file("<GUIDE>", "Text.", "</GUIDE>"), { wrapper: "BUNDLE", sectionTags: new Set(["GUIDE"]) });

    expect({ wrapper: result.wrapper, tags: result.sections.map((section) => section.tag) }).toEqual({ wrapper: undefined, tags: ["GUIDE"] });
  });
});

// ---- property: whatever the renderer writes, the parser reads back ----------

const TAGS = ["GUIDE", "KEYS", "AUDIT", "NET", "X", "Y", "SIGN_VERIFY", "ENV_GUARDS", "A1", "Z_9"];
const word = fc.constantFrom("keys", "rotate", "the", "a", "signature", "<X>", "</Y>", "<lower>", "`<KEYS>`", "a<b>c", "->", "$HOME", "数据", "naïve", "~", "`");
/** Prose lines: never a fence opener and never exactly a tag line. */
const proseLine = fc
  .tuple(fc.constantFrom("", "- ", "# ", "> ", "1. "), fc.array(word, { minLength: 1, maxLength: 8 }))
  .map(([lead, words]) => `${lead}${words.join(" ")}`)
  .filter((line) => !/^<\/?[A-Z][A-Z0-9_]*>$/.test(line) && !/^ {0,3}(```|~~~)/.test(line));
const tagLike = fc.tuple(fc.constantFrom("<", "</"), fc.constantFrom(...TAGS, "BUNDLE")).map(([open, tag]) => `${open}${tag}>`);

interface FenceKind {
  open: string;
  close: string;
  /** Lines that look like fences but cannot close this one. */
  inner: string[];
}
const FENCES: FenceKind[] = [
  { open: "```", close: "```", inner: ["~~~", "``", "```ts"] },
  { open: "```ts", close: "```", inner: ["~~~~", "```js"] },
  { open: "````markdown", close: "````", inner: ["```", "```sh", "~~~"] },
  { open: "~~~", close: "~~~", inner: ["```", "````", "~~~yaml"] },
  { open: "~~~~ yaml", close: "~~~~~", inner: ["~~~", "```"] },
  { open: "  ```", close: "  ```", inner: ["~~~"] },
];
const fenced = fc
  .tuple(fc.constantFrom(...FENCES), fc.array(fc.oneof(tagLike, proseLine, fc.constant("")), { minLength: 1, maxLength: 5 }), fc.nat())
  .map(([fence, lines, pick]) => {
    const inner = [...lines];
    inner.splice(pick % (inner.length + 1), 0, fence.inner[pick % fence.inner.length] as string);
    return [fence.open, ...inner, fence.close].join("\n");
  });
const paragraph = fc.array(proseLine, { minLength: 1, maxLength: 3 }).map((lines) => lines.join("\n"));
/** An atom's text: paragraphs and fenced blocks, never starting or ending with white space. */
const atomText = fc
  .array(fc.oneof({ arbitrary: paragraph, weight: 3 }, { arbitrary: fenced, weight: 2 }), { minLength: 1, maxLength: 4 })
  .map((blocks) => blocks.join("\n\n").trim())
  .filter((text) => text !== "");

interface SectionCase {
  tag: string;
  intro?: string;
  texts: string[];
}
const sectionsArb = fc
  .uniqueArray(fc.constantFrom(...TAGS), { minLength: 1, maxLength: 5 })
  .chain((tags) =>
    fc.tuple(...tags.map((tag) => fc.record({ tag: fc.constant(tag), intro: fc.option(paragraph, { nil: undefined }), texts: fc.array(atomText, { minLength: 1, maxLength: 3 }) }))),
  );

describe("parseOutput reads back what renderFile writes", () => {
  it("400 random files (with and without a wrapper): same tags and texts, no malformed problem, canonical gaps", () => {
    fc.assert(
      fc.property(sectionsArb, fc.boolean(), (cases: SectionCase[], withWrapper) => {
        const wrapper = withWrapper ? "BUNDLE" : undefined;
        const rendered = cases.map((section) => renderSection(section.tag, section.intro, section.texts) as string);
        const text = renderFile({ wrapper }, rendered);

        const result = parseOutput(text, withWrapper ? { wrapper: "BUNDLE" } : {});

        // Where each section must open: after "<W>" and a blank line, then one blank line between sections.
        let line = withWrapper ? 3 : 1;
        const sections = rendered.map((block, index) => {
          const open = line;
          const close = open + block.split("\n").length - 1;
          line = close + 2;
          return { tag: (cases[index] as SectionCase).tag, open, close, text: block };
        });
        // Gaps lie between items (wrapper lines and sections): nothing at either end, one blank line between two items.
        const lineCount = text.split("\n").length - 1;
        const lastClose = sections[sections.length - 1]?.close ?? 0;
        const between = sections.slice(1).map((section) => ({ start: section.open - 1, lines: [""], position: "middle", besideBroken: false }));
        const gaps = withWrapper
          ? [
              { start: 1, lines: [], position: "first", besideBroken: false },
              { start: 2, lines: [""], position: "middle", besideBroken: false },
              ...between,
              { start: lastClose + 1, lines: [""], position: "middle", besideBroken: false },
              { start: lineCount + 1, lines: [], position: "last", besideBroken: false },
            ]
          : [{ start: 1, lines: [], position: "first", besideBroken: false }, ...between, { start: lastClose + 1, lines: [], position: "last", besideBroken: false }];
        expect(result).toEqual({
          ...(wrapper === undefined ? {} : { wrapper: { tag: wrapper, open: 1, close: lineCount } }),
          sections,
          gaps,
          malformed: [],
          brokenTags: new Set(),
          finalNewline: true,
          lineCount,
        });
      }),
      { seed: 20260105, numRuns: 400 },
    );
  });
});

describe("parseOutput on hostile input", () => {
  it("tracks at most MAX_DEPTH open sections: deeper opens are counted as problems but hold no memory, and nothing throws", () => {
    const opens = Array.from({ length: MAX_DEPTH + 2 }, (_, index) => `<T${index}>`);
    const result = parseOutput(file(...opens, `</T${MAX_DEPTH + 1}>`, "</T0>"));

    // Problems: every open but the first nests, the untracked </T1001> matches nothing, and </T0> leaves the 999 tracked inner ones unclosed.
    expect({
      sections: result.sections,
      problems: result.malformed.length + (result.unlisted?.count ?? 0),
      brokenTags: result.brokenTags.size,
      untrackedIsBroken: result.brokenTags.has(`T${MAX_DEPTH}`),
    }).toEqual({ sections: [], problems: MAX_DEPTH + 1 + 1 + (MAX_DEPTH - 1), brokenTags: MAX_DEPTH + 1, untrackedIsBroken: false });
  });

  it("keeps MAX_PROBLEMS problems in full and counts the rest, with the first line among them", () => {
    const result = parseOutput("</A>\n".repeat(MAX_PROBLEMS + 5));

    expect({ listed: result.malformed.length, unlisted: result.unlisted }).toEqual({ listed: MAX_PROBLEMS, unlisted: { count: 5, firstLine: MAX_PROBLEMS + 1 } });
  });
});
