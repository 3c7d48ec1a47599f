import { get_encoding } from "tiktoken";
import { afterAll, describe, expect, it } from "vitest";
import { ENCODINGS, type Atom, type Encoding, type PackPlan, type ResolvedProfile } from "../../src/model.js";
import { packComposed } from "../../src/pack/pack-composed.js";
import { packProfile } from "../../src/pack/pack-profile.js";
import { PieceCounter } from "../../src/pack/piece-counter.js";

const encoders = ENCODINGS.map((encoding) => [encoding, get_encoding(encoding)] as const);
afterAll(() => {
  for (const [, encoder] of encoders) encoder.free();
});
const countWith = (encoding: Encoding) => {
  const encoder = encoders.find(([name]) => name === encoding)?.[1];
  if (!encoder) throw new Error(encoding);
  return (text: string) => encoder.encode_ordinary(text).length;
};

/** A folder's profile with `atoms` atoms of a few hundred characters each, in two sections. */
function folder(name: string, atoms: number, wrapper: string | undefined, encoding: Encoding): ResolvedProfile {
  const made: Atom[] = Array.from({ length: atoms }, (_, index) => ({
    id: `${name}-${index}`,
    title: "t",
    brief: `Brief ${index}.`,
    tag: index % 2 === 0 ? "FIRST" : "SECOND",
    priority: 50,
    required: false,
    related: [],
    path: `${name}/${index}.md`,
    text: `Paragraph ${index} of ${name}: ${"words that make a realistic paragraph of documentation, ".repeat(6)}done.\n\n- a list item\n- another item`,
    sha256: `${name}-${index}`,
    bodyLine: 5,
  }));
  return {
    profile: { name, file: `/p/${name}.yaml`, output: `${name}.txt`, encoding, lines: {}, finalNewline: false, ...(wrapper ? { wrapper } : {}) },
    sections: [
      { tag: "FIRST", required: false, line: 1, atoms: made.filter((atom) => atom.tag === "FIRST") },
      { tag: "SECOND", required: false, line: 1, atoms: made.filter((atom) => atom.tag === "SECOND") },
    ],
  };
}

describe("a composed output built from 11 profiles", () => {
  for (const encoding of ENCODINGS) {
    it(`${encoding}: counts exactly, and counts only the parts' edges again (no second pass over their atoms)`, () => {
      const count = countWith(encoding);
      const plans = new Map<string, PackPlan>();
      for (let index = 0; index < 11; index++) {
        const name = `topic-${index}`;
        plans.set(name, packProfile(folder(name, 20, index % 3 === 0 ? undefined : `TOPIC_${index}`, encoding), count, name));
      }
      const hand = "# Hand-written\n\nKept by hand, with its own final newline.\n";
      for (const part of plans.values()) expect(part.tokens, part.profile.name).toBe(count(part.text));
      const frames = [
        { wrapper: "ALL", attributes: [{ name: "version", value: "1.0.0" }], preamble: "Everything." },
        { finalNewline: false },
        { preamble: "No wrapper, no final newline.", finalNewline: false },
        {},
      ];
      for (const [index, frame] of frames.entries()) {
        // The hand-written part last in every other frame: its own final newline then ends the file.
        const handPart = { kind: "file" as const, file: "hand.md", path: "/p/hand.md", text: hand, sha256: "hand", line: 1 };
        const profileParts = [...plans.keys()].map((name) => ({ kind: "profile" as const, name, line: 1 }));
        const composed: ResolvedProfile = {
          profile: { name: "all", file: "/p/all.yaml", output: "all.txt", encoding, lines: {}, ...frame },
          sections: [],
          parts: index % 2 === 0 ? [handPart, ...profileParts] : [...profileParts, handPart],
        };
        let counted = 0;
        const counter = new PieceCounter(encoding, (text) => {
          counted += text.length;
          return count(text);
        });

        const plan = packComposed(composed, plans, counter, "all.yaml");

        expect(plan.tokens, JSON.stringify(frame)).toBe(count(plan.text));
        const partsText = [...plans.values()].reduce((sum, part) => sum + part.text.length, 0);
        expect(plan.text.length).toBeGreaterThan(partsText);
        // The hand-written part is counted whole (once); of the profiles' texts, only lines at their edges.
        expect(counted - hand.length).toBeLessThan(partsText / 50);
        expect(plan.parts?.map((part) => part.tokens).sort()).toEqual([count(hand), ...[...plans.values()].map((part) => count(part.text))].sort());
      }
    });
  }
});
