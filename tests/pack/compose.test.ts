import fc from "fast-check";
import { get_encoding, type Tiktoken } from "tiktoken";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { ENCODINGS, type Encoding, type ResolvedProfile } from "../../src/model.js";
import { packProfile } from "../../src/pack/pack-profile.js";
import { canCut, groupPieces } from "../../src/pack/compose.js";
import { PieceCounter } from "../../src/pack/piece-counter.js";
import { countChunks, edgeCuts, type Chunk } from "../../src/pack/pack-composed.js";
import { renderComposed } from "../../src/render/render-output.js";
import { fileFrame, type Frame, joinSegments, literal, sectionSegments, type Segment } from "../../src/render/segments.js";

/** A text standing for an atom's, keyed by a name (packing keys real atoms by a hash of their text). */
const atomSegment = (name: string, field: "text" | "brief", text: string): Segment => ({ key: `\u0002${name}:${field}`, text });

const encoders = new Map<Encoding, Tiktoken>();
const countWith = (encoding: Encoding) => {
  let encoder = encoders.get(encoding);
  if (!encoder) {
    encoder = get_encoding(encoding);
    encoders.set(encoding, encoder);
  }
  const ready = encoder;
  return (text: string) => ready.encode_ordinary(text).length;
};
afterAll(() => {
  for (const encoder of encoders.values()) encoder.free();
});

// Characters chosen to sit on every side of the pre-tokenizers' rules: white space of each kind,
// slashes, punctuation, digits, letters of several scripts and cases, contractions, special tokens.
const alphabet = fc.constantFrom(
  "a", "Z", "é", "ß", "Σ", "中", "🙂", "0", "7", "'s", "'LL", " ", "  ", "\t", "\n", "\n\n", "\r\n", "/", "//", "<", ">", "</", "`", "```", "~~~",
  ".", ",", "-", "*", "#", "|", "@", "<|endoftext|>", "<|fim_prefix|>", "\u00a0", "x/y", "http://a.b/c",
);
const text = fc.array(alphabet, { minLength: 0, maxLength: 24 }).map((parts) => parts.join(""));
const trimmed = text.map((value) => value.trim()).filter((value) => value !== "");

/** A random frame: a wrapper with or without attributes (values of any text, escaped), a preamble, a final newline or none. */
const frameArb = fc.record({
  wrapper: fc.option(fc.constantFrom("W", "MLLD_SECURITY"), { nil: undefined }),
  attributes: fc.option(fc.array(fc.record({ name: fc.constantFrom("version", "name", "a-b", "x.y"), value: text }), { minLength: 1, maxLength: 3 }), { nil: undefined }),
  preamble: fc.option(trimmed, { nil: undefined }),
  finalNewline: fc.option(fc.boolean(), { nil: undefined }),
});
type FrameDraft = typeof frameArb extends fc.Arbitrary<infer T> ? T : never;
const frameOf = (frame: FrameDraft): Frame => ({
  ...(frame.wrapper ? { wrapper: frame.wrapper, ...(frame.attributes ? { attributes: frame.attributes } : {}) } : {}),
  ...(frame.preamble ? { preamble: frame.preamble } : {}),
  ...(frame.finalNewline === undefined ? {} : { finalNewline: frame.finalNewline }),
});

/** A random file in the output grammar, as segments: sections of atom texts with intros, in a random frame. */
const file = fc
  .record({
    frame: frameArb,
    sections: fc.array(fc.record({ intro: fc.option(trimmed, { nil: undefined }), atoms: fc.array(trimmed, { minLength: 1, maxLength: 4 }) }), { minLength: 1, maxLength: 4 }),
  })
  .map(({ frame, sections }) => {
    const { head, joiner, tail } = fileFrame(frameOf(frame));
    const body = sections.flatMap((section, index) => {
      const segments = sectionSegments(`S${index}`, section.intro, section.atoms.map((atom, i) => atomSegment(`${index}-${i}`, "text", atom))) ?? [];
      return index === 0 ? segments : [joiner, ...segments];
    });
    return [...head, ...body, ...tail];
  });

/** Arbitrary runs of text cut at arbitrary places: the cut rule must hold for any text, not only ours. */
const loose = fc.array(text, { minLength: 1, maxLength: 8 }).map((parts) => parts.map((part, index): Segment => ({ key: `\u0001${index}:${part}`, text: part })));

describe("composed token counts equal full counts", () => {
  for (const encoding of ENCODINGS) {
    it(`${encoding}: 400 random output files in random frames and 400 random texts, summed over their pieces`, () => {
      const count = countWith(encoding);
      const check = (segments: Segment[]) => {
        const pieces = groupPieces(encoding, segments);
        const composed = pieces.reduce((sum, piece) => sum + count(joinSegments(piece.segments)), 0);
        expect(composed).toBe(count(joinSegments(segments)));
        expect(new PieceCounter(encoding, count).segments(segments)).toBe(composed);
      };
      fc.assert(fc.property(file, check), { seed: 11, numRuns: 400 });
      fc.assert(fc.property(loose, check), { seed: 12, numRuns: 400 });
    });
  }

  it("cuts an o200k file into one piece per atom, tag line and joiner where it can", () => {
    const segments = [...(sectionSegments("A", "Intro.", [literal("One."), literal("Two.")]) ?? []), literal("\n\n")];
    expect(groupPieces("o200k_base", segments).map((piece) => joinSegments(piece.segments))).toEqual(["<A>\n", "Intro.\n\n", "One.\n\n", "Two.\n", "</A>\n\n"]);
    expect(groupPieces("gpt2", segments).map((piece) => joinSegments(piece.segments))).toEqual(["<A>", "\nIntro.", "\n\nOne.", "\n\nTwo.", "\n</A>", "\n\n"]);
  });

  it("never cuts an o200k text before a slash that follows a newline", () => {
    const segments = [literal("a.\n"), literal("/b")];
    expect(groupPieces("o200k_base", segments)).toHaveLength(1);
    expect(groupPieces("cl100k_base", segments)).toHaveLength(2);
  });
});

describe("packProfile's composed counts equal full counts in every encoding", () => {
  const atomText = fc.array(alphabet, { minLength: 1, maxLength: 30 }).map((parts) => parts.join("").trim()).filter((value) => value !== "" && !/^<\/?[A-Z]/m.test(value) && !value.includes("```") && !value.includes("~~~"));
  const profile = fc.record({
    frame: frameArb,
    budget: fc.option(fc.integer({ min: 40, max: 400 }), { nil: undefined }),
    sections: fc.array(
      fc.record({
        intro: fc.option(atomText, { nil: undefined }),
        budget: fc.option(fc.integer({ min: 10, max: 200 }), { nil: undefined }),
        atoms: fc.array(fc.record({ text: atomText, brief: atomText, priority: fc.integer({ min: 0, max: 100 }), required: fc.boolean() }), { minLength: 1, maxLength: 5 }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  });

  for (const encoding of ENCODINGS) {
    it(`${encoding}: 150 random profiles with budgets and frames, packed and then counted whole`, () => {
      const count = countWith(encoding);
      fc.assert(
        fc.property(profile, (spec) => {
          let n = 0;
          const resolved: ResolvedProfile = {
            profile: { name: "p", file: "/p.yaml", output: "o.txt", encoding, lines: {}, ...frameOf(spec.frame), ...(spec.budget ? { budget: spec.budget } : {}) },
            sections: spec.sections.map((section, index) => ({
              tag: `S${index}`,
              required: false,
              line: 1,
              ...(section.intro ? { intro: section.intro } : {}),
              ...(section.budget ? { budget: section.budget } : {}),
              atoms: section.atoms.map((atom) => {
                n++;
                return { id: `a${n}`, title: "t", brief: atom.brief, tag: `S${index}`, priority: atom.priority, required: atom.required, related: [], path: `a${n}.md`, text: atom.text, sha256: `sha-${n}`, bodyLine: 1 };
              }),
            })),
          };
          let plan;
          try {
            plan = packProfile(resolved, count, "p.yaml");
          } catch (error) {
            expect(error).toBeInstanceOf(InputError);
            return;
          }
          expect(plan.tokens).toBe(count(plan.text));
          for (const section of plan.sections) expect(section.tokens).toBe(section.text === null ? 0 : count(section.text));
          for (const section of plan.sections) {
            if (section.text === null) continue;
            const atomTokens = section.atoms.reduce((sum, atom) => sum + atom.tokens, 0);
            // Where every text meets its neighbours at an exact cut, atoms and frame add up exactly;
            // elsewhere an atom's piece also takes in the frame it cannot be cut from.
            const texts = [...section.atoms.filter((atom) => atom.state !== "dropped").map((atom) => (atom.state === "full" ? (atom.atom.text ?? "") : atom.atom.brief)), ...(section.intro ? [section.intro] : [])];
            const exact = texts.every((text) => (encoding === "o200k_base" || encoding === "cl100k_base" ? canCut(encoding, "\n", text.charAt(0)) : canCut(encoding, text.charAt(text.length - 1), "\n")));
            if (exact) expect(atomTokens + overhead(section.tag, section.intro, encoding, count)).toBe(section.tokens);
            else expect(atomTokens).toBeLessThanOrEqual(section.tokens);
          }
        }),
        { seed: 21, numRuns: 150 },
      );
    });
  }
});

/** What a section counts besides its atoms: its tag lines and intro, cut as the encoding cuts. */
function overhead(tag: string, intro: string | undefined, encoding: Encoding, count: (text: string) => number): number {
  const joinerAfter = encoding === "o200k_base" || encoding === "cl100k_base";
  if (joinerAfter) return count(`<${tag}>\n`) + (intro ? count(`${intro}\n\n`) : 0) + count(`</${tag}>`);
  return count(`<${tag}>`) + (intro ? count(`\n${intro}`) : 0) + count(`\n</${tag}>`);
}

describe("a composed output's count is exact without counting its parts again", () => {
  /** Part texts shaped like outputs and hand-written files: tag lines, blank lines, a final newline or none. */
  const partText = fc
    .tuple(fc.constantFrom("", "<P>\n", "# Title\n\n", "/"), fc.array(alphabet, { minLength: 1, maxLength: 30 }), fc.constantFrom("", "\n", "\n</P>", "\n\n"))
    .map(([start, middle, end]) => `${start}${middle.join("")}${end}`)
    .filter((value) => value.trim() !== "");

  for (const encoding of ENCODINGS) {
    it(`${encoding}: 300 random composed files, each part's count given, the frame's counted`, () => {
      const count = countWith(encoding);
      fc.assert(
        fc.property(frameArb, fc.array(partText, { minLength: 1, maxLength: 5 }), (frame, parts) => {
          const spec = frameOf(frame);
          const { text } = renderComposed(spec, parts);
          const { head, joiner, tail } = fileFrame({ ...spec, finalNewline: false });
          const chunks: Chunk[] = [joinSegments(head)];
          parts.forEach((part, index) => chunks.push(...(index > 0 ? [joiner.text] : []), { text: part, tokens: count(part) }));
          chunks.push(joinSegments(tail));
          if (text.length > joinSegments(chunks.map((chunk) => literal(typeof chunk === "string" ? chunk : chunk.text))).length) chunks.push("\n");
          const counted: string[] = [];
          const counter = new PieceCounter(encoding, (piece) => {
            counted.push(piece);
            return count(piece);
          });

          expect(countChunks(counter, chunks)).toBe(count(text));
          // Only the edges of a part are counted again, never a whole part with a place to cut inside.
          for (const part of parts) if (edgeCuts(encoding, part)) expect(counted).not.toContain(part);
        }),
        { seed: 31, numRuns: 300 },
      );
    });
  }
});
