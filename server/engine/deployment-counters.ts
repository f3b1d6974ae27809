/** What a deployment has done: the numbers behind the `_ml/trained_models/_stats` node entry. */
const MINUTE_MS = 60_000;

export class DeploymentCounters {
  inferenceCount = 0;
  rejectedCount = 0;
  timeoutCount = 0;
  errorCount = 0;
  batchCount = 0;
  maxBatchSize = 0;
  private inferenceMs = 0;
  private tokens = 0;
  private paddedTokens = 0;
  private minuteStart = Date.now();
  private thisMinute = 0;
  private lastMinute = 0;
  peakPerMinute = 0;

  recordBatch(inputs: number, ms: number, tokens: number, paddedTokens: number): void {
    this.rollMinute();
    this.inferenceCount += inputs;
    this.batchCount++;
    this.maxBatchSize = Math.max(this.maxBatchSize, inputs);
    this.inferenceMs += ms;
    this.tokens += tokens;
    this.paddedTokens += paddedTokens;
    this.thisMinute += inputs;
    this.peakPerMinute = Math.max(this.peakPerMinute, this.thisMinute);
  }

  /** Mean time of one input: a batch's time shared among its inputs. */
  get averageInferenceMs(): number {
    return this.inferenceCount === 0 ? 0 : round(this.inferenceMs / this.inferenceCount);
  }

  get averageBatchSize(): number {
    return this.batchCount === 0 ? 0 : round(this.inferenceCount / this.batchCount);
  }

  /** Padded tokens per real token: 1 when every batch held inputs of one length. */
  get paddingRatio(): number {
    return this.tokens === 0 ? 1 : round(this.paddedTokens / this.tokens);
  }

  get throughputLastMinute(): number {
    this.rollMinute();
    return this.lastMinute;
  }

  private rollMinute(): void {
    const now = Date.now();
    if (now - this.minuteStart < MINUTE_MS) return;
    this.lastMinute = now - this.minuteStart < 2 * MINUTE_MS ? this.thisMinute : 0;
    this.thisMinute = 0;
    this.minuteStart = now;
  }
}

const round = (value: number) => Math.round(value * 1000) / 1000;
