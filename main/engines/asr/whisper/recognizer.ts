import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Tensor } from 'onnxruntime-node';
import { WHISPER_N_SAMPLES, WhisperMelExtractor } from '../../../dsp';
import { readOnnxInfo } from '../../../models/onnx-metadata';
import type { Ort, OrtSession } from '../model-files';
import {
  AsrModelError,
  checkSignature,
  createSession,
  loadOrt,
  requireFile,
  throwIfAborted,
} from '../model-files';
import type { AsrHypothesis, OfflineDecodeOptions, OfflineRecognizer } from '../types';
import { parseBase64Tokens, tokenByteSpans } from './base64-tokens';
import type { RepetitionOptions, SilenceThresholds } from './guards';
import {
  averageLogProb,
  DEFAULT_REPETITION,
  DEFAULT_SILENCE_THRESHOLDS,
  isSilence,
  logSoftmax,
  noSpeechProbability,
  repetitionCut,
  suppressTokens,
} from './guards';
import type { WhisperMetadata } from './metadata';
import { parseWhisperMetadata } from './metadata';
import { whisperWords } from './words';

/** Names of the sherpa export (MODELS.md §5.3, §5.4); fed and fetched by name only (§0.1). */
const ENC_IN_MEL = 'mel';
const ENC_OUT_CROSS_K = 'n_layer_cross_k';
const ENC_OUT_CROSS_V = 'n_layer_cross_v';
const DEC_IN_TOKENS = 'tokens';
const DEC_IN_SELF_K = 'in_n_layer_self_k_cache';
const DEC_IN_SELF_V = 'in_n_layer_self_v_cache';
const DEC_IN_CROSS_K = 'n_layer_cross_k';
const DEC_IN_CROSS_V = 'n_layer_cross_v';
const DEC_IN_OFFSET = 'offset';
const DEC_OUT_LOGITS = 'logits';
const DEC_OUT_SELF_K = 'out_n_layer_self_k_cache';
const DEC_OUT_SELF_V = 'out_n_layer_self_v_cache';

const SAMPLE_RATE = 16000;

export interface WhisperFiles {
  encoder: string;
  decoder: string;
  tokens: string;
}

export interface WhisperOptions {
  /** Default language for multilingual models: 'auto' (detect, §5.5) or a code ('en', 'de', …). */
  language?: string;
  intraOpNumThreads?: number;
  /** Silence guard thresholds (OpenAI defaults 0.6 / −1.0). */
  silence?: Partial<SilenceThresholds>;
  /**
   * Without temperature fallback (greedy only) OpenAI keeps a low-confidence transcript when no-speech is
   * low; 'drop' discards any segment whose average log-prob is under `silence.logProbThreshold`.
   */
  lowLogProb?: 'keep' | 'drop';
  repetition?: Partial<RepetitionOptions>;
  /**
   * Token cap per second of audio (repetition backstop). sherpa uses 6/s (§5.5), which can cut genuinely
   * fast speech; 12/s leaves room for it and still stops a loop. Never more than n_text_ctx / 2 (224).
   */
  maxTokensPerSecond?: number;
  modelId?: string;
  /** Test seam: wraps each session (e.g. to record the decoder feeds). */
  wrapSession?: (session: OrtSession, role: 'encoder' | 'decoder') => OrtSession;
}

export interface WhisperResult {
  hypothesis: AsrHypothesis;
  /** Text token ids (no special tokens). */
  tokens: number[];
  logProbs: number[];
  noSpeechProb: number;
  avgLogProb: number;
  /** Why decoding stopped. */
  stop: 'eot' | 'max-tokens' | 'context' | 'repetition';
  /** Whether a guard emptied the hypothesis. */
  dropped: 'silence' | 'low-logprob' | null;
  language: string;
}

/** Finds `<name>-encoder[.int8].onnx`, `-decoder[.int8].onnx` and `-tokens.txt` in a sherpa model directory. */
export async function whisperFilesIn(dir: string, name: string): Promise<WhisperFiles> {
  const pick = async (part: string): Promise<string> => {
    for (const file of [`${name}-${part}.int8.onnx`, `${name}-${part}.onnx`]) {
      try {
        await requireFile(join(dir, file), `Whisper ${part}`);
        return join(dir, file);
      } catch {
        // next candidate
      }
    }
    const expected = join(dir, `${name}-${part}.onnx`);
    throw new AsrModelError(
      'MODEL_MISSING',
      expected,
      `Whisper ${part} not found: neither ${join(dir, `${name}-${part}.int8.onnx`)} nor ${expected} exists`,
    );
  };
  return {
    encoder: await pick('encoder'),
    decoder: await pick('decoder'),
    tokens: join(dir, `${name}-tokens.txt`),
  };
}

interface Caches {
  selfK: Tensor;
  selfV: Tensor;
}

/**
 * Whisper (sherpa export) offline recognizer, MODELS.md §5: 30 s log-mel -> encoder -> cross K/V; greedy
 * decoding with the fixed-size self-attention cache and `offset` (§5.5), without timestamps.
 */
export class WhisperRecognizer implements OfflineRecognizer {
  readonly modelId: string;
  /** 30 s: the encoder's whole window (§5.6). */
  readonly maxSamples = WHISPER_N_SAMPLES;
  readonly metadata: WhisperMetadata;
  private readonly mel: WhisperMelExtractor;
  private disposed = false;

  private constructor(
    private readonly ort: Ort,
    private readonly encoder: OrtSession,
    private readonly decoder: OrtSession,
    private readonly tokens: Uint8Array[],
    metadata: WhisperMetadata,
    private readonly files: WhisperFiles,
    private readonly options: WhisperOptions,
  ) {
    this.metadata = metadata;
    this.modelId = options.modelId ?? metadata.modelType;
    this.mel = new WhisperMelExtractor(metadata.nMels as 80 | 128);
    this.languageToken(options.language ?? 'auto');
  }

  static async load(files: WhisperFiles, options: WhisperOptions = {}): Promise<WhisperRecognizer> {
    await requireFile(files.encoder, 'Whisper encoder');
    await requireFile(files.decoder, 'Whisper decoder');
    await requireFile(files.tokens, 'Whisper tokens file');
    // The sherpa export keeps all metadata on the encoder (§5.3).
    const metadata = parseWhisperMetadata(await readOnnxInfo(files.encoder));
    const tokens = parseBase64Tokens(await readFile(files.tokens, 'utf8'), files.tokens);
    if (tokens.length !== metadata.eot) {
      // §5.7: the file lists exactly the ranks below eot (50256 for .en, 50257 multilingual).
      throw new AsrModelError(
        'MODEL_INCOMPATIBLE',
        files.tokens,
        `${files.tokens} has ${tokens.length} tokens but ${files.encoder} has eot ${metadata.eot}: ` +
          'the tokens file belongs to another Whisper model',
      );
    }
    const ort = await loadOrt();
    const threads = options.intraOpNumThreads ?? 1;
    const wrap = options.wrapSession ?? ((s: OrtSession) => s);
    const encoder = wrap(await createSession(ort, files.encoder, 'Whisper encoder', threads), 'encoder');
    let decoder: OrtSession | undefined;
    try {
      checkSignature(
        encoder,
        files.encoder,
        'Whisper encoder (sherpa export)',
        [ENC_IN_MEL],
        [ENC_OUT_CROSS_K, ENC_OUT_CROSS_V],
      );
      decoder = wrap(await createSession(ort, files.decoder, 'Whisper decoder', threads), 'decoder');
      checkSignature(
        decoder,
        files.decoder,
        'Whisper decoder (sherpa export)',
        [DEC_IN_TOKENS, DEC_IN_SELF_K, DEC_IN_SELF_V, DEC_IN_CROSS_K, DEC_IN_CROSS_V, DEC_IN_OFFSET],
        [DEC_OUT_LOGITS, DEC_OUT_SELF_K, DEC_OUT_SELF_V],
      );
    } catch (error) {
      await encoder.release();
      await decoder?.release();
      throw error;
    }
    return new WhisperRecognizer(ort, encoder, decoder, tokens, metadata, files, options);
  }

  /** The language token for a code; null for 'auto' (multilingual: detect). */
  languageToken(language: string): number | null {
    const meta = this.metadata;
    if (!meta.isMultilingual) {
      // .en models: the sot sequence has no language slot (§5.3); only English makes sense.
      if (language === 'auto' || language === 'en') return null;
      throw new RangeError(
        `${this.files.encoder} is an English-only Whisper model; language '${language}' is not available`,
      );
    }
    if (language === 'auto') return null;
    const index = meta.languageCodes.indexOf(language);
    if (index < 0)
      throw new RangeError(`Whisper (${this.files.encoder}) does not know language '${language}'`);
    return meta.languageTokens[index]!;
  }

  async decode(samples: Float32Array, options: OfflineDecodeOptions = {}): Promise<AsrHypothesis> {
    return (await this.decodeDetailed(samples, options)).hypothesis;
  }

  async decodeDetailed(samples: Float32Array, options: OfflineDecodeOptions = {}): Promise<WhisperResult> {
    if (this.disposed) throw new Error('WhisperRecognizer: decode() after dispose()');
    if (samples.length > this.maxSamples) {
      throw new RangeError(
        `Whisper: ${(samples.length / SAMPLE_RATE).toFixed(1)} s of audio exceeds its 30 s window; segment it first`,
      );
    }
    const meta = this.metadata;
    let languageToken = this.languageToken(options.language ?? this.options.language ?? 'auto');
    const empty = (language: string): WhisperResult => ({
      hypothesis: { text: '', words: [] },
      tokens: [],
      logProbs: [],
      noSpeechProb: 1,
      avgLogProb: 0,
      stop: 'eot',
      dropped: 'silence',
      language,
    });
    if (samples.length === 0) return empty(meta.isMultilingual ? '' : 'en');
    throwIfAborted(options.signal);

    const { Tensor } = this.ort;
    // §5.6: log-mel of the 30 s window, [1, n_mels, 3000].
    const mel = this.mel.compute(samples);
    const enc = await this.encoder.run({
      [ENC_IN_MEL]: new Tensor('float32', mel.data, [1, mel.numMelBins, mel.numFrames]),
    });
    const crossK = enc[ENC_OUT_CROSS_K]!;
    const crossV = enc[ENC_OUT_CROSS_V]!;
    throwIfAborted(options.signal);

    // Language detection (§5.5): decoder([sot]) on fresh caches, argmax over all_language_tokens.
    let language = 'en';
    if (meta.isMultilingual) {
      if (languageToken === null) {
        const { logits } = await this.step([meta.sot], 0, this.zeroCaches(), crossK, crossV);
        const row = this.row(logits, 0);
        let best = 0;
        meta.languageTokens.forEach((id, i) => {
          if (row[id]! > row[meta.languageTokens[best]!]!) best = i;
        });
        languageToken = meta.languageTokens[best]!;
      }
      language = meta.languageCodes[meta.languageTokens.indexOf(languageToken)]!;
    }

    // Initial tokens (§5.5): .en: [sot]; multilingual: [sot, language, transcribe]; then no_timestamps.
    const initial = meta.isMultilingual ? [meta.sot, languageToken!, meta.transcribe] : [...meta.sotSequence];
    initial.push(meta.noTimestamps);
    const sotRow = meta.isMultilingual ? 0 : meta.sotIndex;

    const maxTokens = Math.min(
      Math.floor(meta.nTextCtx / 2),
      Math.max(16, Math.ceil((samples.length / SAMPLE_RATE) * (this.options.maxTokensPerSecond ?? 12))),
    );
    const repetition = { ...DEFAULT_REPETITION, ...this.options.repetition };
    const thresholds = { ...DEFAULT_SILENCE_THRESHOLDS, ...this.options.silence };
    const suppress = { eot: meta.eot, blankId: meta.blankId, nonSpeechTokens: meta.nonSpeechTokens };

    let caches = this.zeroCaches();
    let result = await this.step(initial, 0, caches, crossK, crossV);
    caches = result.caches;
    let offset = initial.length;
    const noSpeechProb = noSpeechProbability(this.row(result.logits, sotRow), meta.noSpeech);
    let row = this.row(result.logits, initial.length - 1);
    const out: number[] = [];
    const logProbs: number[] = [];
    let sumLogProb = 0;
    let stop: WhisperResult['stop'] = 'eot';
    for (;;) {
      suppressTokens(row, { ...suppress, first: out.length === 0 });
      const lp = logSoftmax(row, row);
      let next = 0;
      for (let k = 1; k < lp.length; k++) if (lp[k]! > lp[next]!) next = k;
      sumLogProb += lp[next]!;
      if (next === meta.eot) break;
      out.push(next);
      logProbs.push(lp[next]!);
      const cut = repetitionCut(out, repetition);
      if (cut !== null) {
        out.length = cut;
        logProbs.length = cut;
        sumLogProb = logProbs.reduce((a, b) => a + b, 0);
        stop = 'repetition';
        break;
      }
      if (out.length >= maxTokens) {
        stop = 'max-tokens';
        break;
      }
      // The self cache holds n_text_ctx positions; the token fed now goes to position `offset`.
      if (offset >= meta.nTextCtx - 1) {
        stop = 'context';
        break;
      }
      throwIfAborted(options.signal);
      result = await this.step([next], offset, caches, crossK, crossV);
      caches = result.caches;
      offset += 1;
      row = this.row(result.logits, 0);
    }

    const avgLogProb = averageLogProb(sumLogProb, out.length);
    const base: WhisperResult = {
      ...empty(language),
      noSpeechProb,
      avgLogProb,
      stop,
      dropped: null,
      tokens: out,
      logProbs,
    };
    if (isSilence(noSpeechProb, avgLogProb, thresholds)) return { ...base, dropped: 'silence' };
    if ((this.options.lowLogProb ?? 'keep') === 'drop' && avgLogProb < thresholds.logProbThreshold) {
      return { ...base, dropped: 'low-logprob' };
    }
    const { bytes, spans } = tokenByteSpans(this.tokens, out);
    const fullText = new TextDecoder('utf-8').decode(bytes);
    const durationMs = (samples.length / SAMPLE_RATE) * 1000;
    const hypothesis: AsrHypothesis = {
      text: fullText.trim().replace(/\s+/g, ' '),
      words: whisperWords(fullText, bytes, spans, logProbs, durationMs),
    };
    if (meta.isMultilingual) hypothesis.language = language;
    return { ...base, hypothesis };
  }

  private zeroCaches(): Caches {
    const { nTextLayer, nTextCtx, nTextState } = this.metadata;
    const dims = [nTextLayer, 1, nTextCtx, nTextState];
    const size = nTextLayer * nTextCtx * nTextState;
    const { Tensor } = this.ort;
    return {
      selfK: new Tensor('float32', new Float32Array(size), dims),
      selfV: new Tensor('float32', new Float32Array(size), dims),
    };
  }

  /** One decoder call (§5.4): tokens int64 [1, n], offset int64 [1]; the returned caches are fed back by name. */
  private async step(
    tokens: readonly number[],
    offset: number,
    caches: Caches,
    crossK: Tensor,
    crossV: Tensor,
  ): Promise<{ logits: Tensor; caches: Caches }> {
    const { Tensor } = this.ort;
    const out = await this.decoder.run({
      [DEC_IN_TOKENS]: new Tensor(
        'int64',
        BigInt64Array.from(tokens, (t) => BigInt(t)),
        [1, tokens.length],
      ),
      [DEC_IN_SELF_K]: caches.selfK,
      [DEC_IN_SELF_V]: caches.selfV,
      [DEC_IN_CROSS_K]: crossK,
      [DEC_IN_CROSS_V]: crossV,
      [DEC_IN_OFFSET]: new Tensor('int64', BigInt64Array.of(BigInt(offset)), [1]),
    });
    const logits = out[DEC_OUT_LOGITS]!;
    if (logits.dims.length !== 3 || Number(logits.dims[2]) !== this.metadata.nVocab) {
      throw new AsrModelError(
        'MODEL_INCOMPATIBLE',
        this.files.decoder,
        `${this.files.decoder}: logits have shape [${logits.dims.join(', ')}], expected [1, n_tokens, ${this.metadata.nVocab}] ` +
          `(n_vocab of ${this.files.encoder}); encoder and decoder are from different models`,
      );
    }
    return { logits, caches: { selfK: out[DEC_OUT_SELF_K]!, selfV: out[DEC_OUT_SELF_V]! } };
  }

  /** A copy of logits[0, i, :] (the filters write into it). */
  private row(logits: Tensor, i: number): Float32Array {
    const vocab = this.metadata.nVocab;
    return (logits.data as Float32Array).slice(i * vocab, (i + 1) * vocab);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.encoder.release();
    await this.decoder.release();
  }
}
