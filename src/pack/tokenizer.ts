import { get_encoding, type Tiktoken } from "tiktoken";
import type { Encoding } from "../model.js";

/** Counts tokens of a text exactly; special-token strings count as ordinary text. */
export type CountTokens = (text: string) => number;

/**
 * The project's one tiktoken import. Holds one encoder per encoding for the
 * length of a run (encoders are WASM objects: create once, free once), made
 * only when a text actually has to be counted: a run whose counts all come
 * from the cache never pays for loading the tokenizer.
 */
export class Tokenizers {
  private readonly encoders = new Map<Encoding, Tiktoken>();

  /** A counter for `encoding`; its encoder is created on the first count. */
  counter(encoding: Encoding): CountTokens {
    return (text) => {
      let encoder = this.encoders.get(encoding);
      if (!encoder) {
        encoder = get_encoding(encoding);
        this.encoders.set(encoding, encoder);
      }
      // encode_ordinary: `<|endoftext|>` in a document is text, not a control token.
      return encoder.encode_ordinary(text).length;
    };
  }

  /** Releases every encoder; the counters handed out must not be used afterwards. */
  free(): void {
    for (const encoder of this.encoders.values()) encoder.free();
    this.encoders.clear();
  }
}

/** Runs `work` with a fresh set of encoders and frees them afterwards, whatever happens. */
export function withTokenizers<T>(work: (tokenizers: Tokenizers) => T): T {
  const tokenizers = new Tokenizers();
  try {
    return work(tokenizers);
  } finally {
    tokenizers.free();
  }
}
