import { get_encoding } from "tiktoken";
import { afterAll, describe, expect, it } from "vitest";
// The compiled module: its worker script only exists in dist/ (npm test builds it first).
import { CountAhead } from "../../dist/pack/count-ahead.js";
import { type Piece, pieceKey } from "../../src/pack/compose.js";
import { likelyPieces } from "../../src/pack/packing.js";
import { joinSegments } from "../../src/render/segments.js";
import type { Atom, Encoding, Profile } from "../../src/model.js";

const encoders = new Map<Encoding, ReturnType<typeof get_encoding>>();
afterAll(() => {
  for (const encoder of encoders.values()) encoder.free();
});
const counter = (encoding: Encoding) => (text: string) => {
  let encoder = encoders.get(encoding);
  if (!encoder) {
    encoder = get_encoding(encoding);
    encoders.set(encoding, encoder);
  }
  return encoder.encode_ordinary(text).length;
};

function atomOf(index: number, words: number): Atom & { text: string } {
  return {
    id: `atom-${index}`,
    title: `Atom ${index}`,
    brief: `Brief of atom ${index}.`,
    tag: "T",
    priority: index,
    required: index % 5 === 0,
    related: [],
    path: `atom-${index}.md`,
    text: `Atom ${index}: ${"policy labels guard the data flow. ".repeat(words)}`,
    sha256: String(index).padStart(64, "0"),
    bodyLine: 5,
  };
}

function profileOf(name: string, encoding: Encoding, budget?: number): Profile {
  return { name, file: `/p/${name}.yaml`, output: `${name}.txt`, encoding, ...(budget === undefined ? {} : { budget }), lines: {} };
}

/** Every piece counting ahead may count for `atoms`, with its exact count, by encoding. */
function expected(atoms: readonly (Atom & { text: string })[], encodings: readonly { encoding: Encoding; briefs: boolean }[]): Map<Encoding, Map<string, number>> {
  return new Map(
    encodings.map(({ encoding, briefs }) => [encoding, new Map(atoms.flatMap((atom) => likelyPieces(atom, encoding, briefs, () => atom.text)).map((piece) => [pieceKey(piece), counter(encoding)(joinSegments(piece.segments))]))]),
  );
}

describe("counting ahead while atoms load", () => {
  it("counts each atom's likely pieces in every encoding, part on the worker while the atoms are still offered, the rest on the main thread", () => {
    const atoms = Array.from({ length: 60 }, (_, index) => atomOf(index, 800 + index));
    const profiles = [profileOf("all", "o200k_base"), profileOf("tight", "o200k_base", 1000), profileOf("old", "gpt2")];
    const ahead = new CountAhead({ workers: 1 });
    atoms.forEach((atom, index) => {
      ahead.offer(atom, profiles);
      // Parsing takes time: the worker counts meanwhile.
      const until = Date.now() + (index < 40 ? 40 : 0);
      while (Date.now() < until);
    });
    let countedHere = 0;
    const counts = ahead.settle((encoding) => {
      const count = counter(encoding);
      return (text) => {
        countedHere++;
        return count(text);
      };
    });

    expect(counts).toEqual(expected(atoms, [{ encoding: "gpt2", briefs: false }, { encoding: "o200k_base", briefs: true }]));
    expect(countedHere).toBeLessThan(60 + 60 + 48 * 2);
    expect(ahead.settle(counter)).toBe(counts);
  }, 60_000);

  it("leaves out pieces already known, and counts nothing when workers are turned off", () => {
    const atoms = Array.from({ length: 3 }, (_, index) => atomOf(index, 10));
    const profiles = [profileOf("all", "o200k_base")];
    const atom = atoms[0] as Atom & { text: string };
    const first = pieceKey(likelyPieces(atom, "o200k_base", false, () => atom.text)[0] as Piece);
    const ahead = new CountAhead({ workers: 1, known: (_encoding, key) => key === first });
    for (const atom of atoms) ahead.offer(atom, profiles);
    const off = new CountAhead({ workers: 0 });
    for (const atom of atoms) off.offer(atom, profiles);

    expect(ahead.settle(counter)).toEqual(expected(atoms.slice(1), [{ encoding: "o200k_base", briefs: false }]));
    expect(off.settle(counter)).toEqual(new Map());
  });

  it("starts no worker for a small corpus unless workers are forced: nothing is counted ahead", () => {
    const ahead = new CountAhead();
    for (let index = 0; index < 100; index++) ahead.offer(atomOf(index, 20), [profileOf("all", "o200k_base")]);
    let counted = 0;
    expect(ahead.settle(() => (text) => (counted++, text.length))).toEqual(new Map());
    expect(counted).toBe(0);
  });
});
