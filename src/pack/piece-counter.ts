import { TokenStore } from "../cache/token-store.js";
import type { Encoding } from "../model.js";
import { joinSegments, type Segment } from "../render/segments.js";
import { groupPieces, type Piece, pieceKey } from "./compose.js";
import type { CountTokens } from "./tokenizer.js";

interface TrieNode {
  count?: number;
  next: Trie;
}
/** Keyed by each segment's key, so equal contents share a node whatever object carries them. */
type Trie = Map<string, TrieNode>;

/** What packing needs of a counter: the count of one piece, and of a run of segments cut into pieces. */
export interface PieceCounting {
  readonly encoding: Encoding;
  piece(piece: Piece): number;
  segments(segments: readonly Segment[]): number;
}

/** Counts nothing: records the pieces a plan would count, so they can be counted ahead in bulk. */
export class PieceRecorder implements PieceCounting {
  readonly pieces: Piece[] = [];

  constructor(readonly encoding: Encoding) {}

  piece(piece: Piece): number {
    this.pieces.push(piece);
    return 0;
  }

  segments(segments: readonly Segment[]): number {
    for (const piece of groupPieces(this.encoding, segments)) this.piece(piece);
    return 0;
  }
}

/** Counts runs of segments as the sum of their pieces' counts, each looked up before it is counted. */
export class PieceCounter implements PieceCounting {
  constructor(
    readonly encoding: Encoding,
    private readonly countText: CountTokens,
    readonly store: TokenStore = new TokenStore(),
  ) {}

  /** Counts memoised segment by segment: no piece key is built on a hit. */
  private readonly known: Trie = new Map();

  piece(piece: Piece): number {
    let node: TrieNode | undefined;
    let level = this.known;
    for (const segment of piece.segments) {
      node = level.get(segment.key);
      if (!node) {
        node = { next: new Map() };
        level.set(segment.key, node);
      }
      level = node.next;
    }
    if (!node) return 0;
    if (node.count === undefined) {
      const key = pieceKey(piece);
      let count = this.store.get(key);
      if (count === undefined) {
        count = this.countText(joinSegments(piece.segments));
        this.store.set(key, count);
      }
      node.count = count;
    }
    return node.count;
  }

  segments(segments: readonly Segment[]): number {
    let total = 0;
    for (const piece of groupPieces(this.encoding, segments)) total += this.piece(piece);
    return total;
  }

  /**
   * Counts every piece not yet known with `countMany` (which may use worker
   * threads), so later lookups hit; a piece `counted` already (by key, while
   * atoms loaded) is taken from there.
   */
  prefetch(pieces: readonly Piece[], countMany: (items: readonly (readonly Segment[])[]) => number[], counted?: ReadonlyMap<string, number>): void {
    const missing = new Map<string, Piece>();
    for (const piece of pieces) {
      const key = pieceKey(piece);
      if (missing.has(key) || this.store.get(key) !== undefined) continue;
      const early = counted?.get(key);
      if (early === undefined) missing.set(key, piece);
      else this.store.set(key, early);
    }
    const keys = [...missing.keys()];
    const counts = countMany([...missing.values()].map((piece) => piece.segments));
    keys.forEach((key, index) => {
      const count = counts[index];
      if (count !== undefined) this.store.set(key, count);
    });
  }
}
