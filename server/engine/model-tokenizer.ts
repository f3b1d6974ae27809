/** Tokenizes a batch of texts (or query/passage pairs) into padded int64 feeds. @huggingface/tokenizers ignores
 * the truncation and padding blocks of tokenizer.json, so both happen here. */
import { Tokenizer } from '@huggingface/tokenizers';

export interface TextItem {
  text: string;
  /** The second segment of a pair (rerank: the passage; `text` is the query). */
  pair?: string;
  /** Picks the model's prefix (e5: `query: ` for search, `passage: ` for ingest). */
  inputType?: 'search' | 'ingest';
}

export interface EncodedBatch {
  batch: number;
  sequence: number;
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  tokenTypeIds: BigInt64Array;
  /** Which inputs were cut to the model window. */
  truncated: boolean[];
  /** Real (unpadded) tokens per input. */
  lengths: number[];
}

interface Encoding {
  ids: number[];
  typeIds: number[];
  truncated: boolean;
}

export class ModelTokenizer {
  private readonly tokenizer: Tokenizer;
  private readonly specialIds: Set<number>;
  readonly vocabSize: number;

  constructor(tokenizerJson: object, tokenizerConfig: object, private readonly maxLength: number) {
    this.tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
    this.specialIds = new Set([...this.tokenizer.get_added_tokens_decoder()].filter(([, token]) => token.special).map(([id]) => id));
    this.vocabSize = this.tokenizer.get_vocab(true).size;
  }

  tokenOf(id: number): string {
    return this.tokenizer.id_to_token(id) ?? `[${id}]`;
  }

  encode(items: readonly TextItem[]): EncodedBatch {
    const encodings = items.map((item) => this.encodeOne(item));
    const sequence = Math.max(1, ...encodings.map((encoding) => encoding.ids.length));
    const size = items.length * sequence;
    const inputIds = new BigInt64Array(size);
    const attentionMask = new BigInt64Array(size);
    const tokenTypeIds = new BigInt64Array(size);
    encodings.forEach((encoding, row) => {
      const offset = row * sequence;
      encoding.ids.forEach((id, column) => {
        inputIds[offset + column] = BigInt(id);
        attentionMask[offset + column] = 1n;
        tokenTypeIds[offset + column] = BigInt(encoding.typeIds[column] ?? 0);
      });
    });
    return {
      batch: items.length,
      sequence,
      inputIds,
      attentionMask,
      tokenTypeIds,
      truncated: encodings.map((encoding) => encoding.truncated),
      lengths: encodings.map((encoding) => encoding.ids.length),
    };
  }

  private encodeOne(item: TextItem): Encoding {
    const encoding =
      item.pair === undefined
        ? this.tokenizer.encode(item.text)
        : this.tokenizer.encode(item.text, { text_pair: item.pair, return_token_type_ids: true });
    const ids = encoding.ids;
    const typeIds = encoding.token_type_ids ?? ids.map(() => 0);
    if (ids.length <= this.maxLength) return { ids, typeIds, truncated: false };
    return { ...this.truncate(ids, typeIds), truncated: true };
  }

  /** Drops ordinary tokens from the end of the last segment first (the passage of a pair), then of the first,
   * keeping every special token ([CLS], [SEP], ...) so that the model still sees a well-formed input. */
  private truncate(ids: number[], typeIds: number[]): { ids: number[]; typeIds: number[] } {
    let excess = ids.length - this.maxLength;
    const drop = new Set<number>();
    const segments = [...new Set(typeIds)].sort((a, b) => b - a);
    for (const segment of segments) {
      for (let index = ids.length - 1; index >= 0 && excess > 0; index--) {
        if (typeIds[index] === segment && !this.specialIds.has(ids[index])) {
          drop.add(index);
          excess--;
        }
      }
    }
    const keep = (_: number, index: number) => !drop.has(index);
    return { ids: ids.filter(keep).slice(0, this.maxLength), typeIds: typeIds.filter(keep).slice(0, this.maxLength) };
  }
}
