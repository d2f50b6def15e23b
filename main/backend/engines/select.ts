/**
 * Which installed model fills each role of a meeting's pipeline (pure: manifest entries and their resolved
 * status in, a plan and sentences for the user out). The loader then builds the engines of the plan.
 *
 * Rules: the VAD is required; a recognizer must speak the settings language ('auto' accepts any, since the
 * user has not said); among final-pass models one that also yields emotion (SenseVoice) comes first, then
 * the larger model. Each role keeps its other candidates as fallbacks in case the first one fails to load.
 */
import type { ModelEntry, ModelKind } from '../../models/manifest';
import type { ResolvedModel } from '../../models/resolve';

export type EngineRole = 'vad' | 'asr-streaming' | 'asr-final' | 'speaker' | 'emotion';

export interface Candidate {
  model: ModelEntry;
  /** File path by role (or by file name when the manifest gives no role). */
  paths: Record<string, string>;
}

export interface EnginePlan {
  vad: Candidate[];
  streaming: Candidate[];
  offline: Candidate[];
  speaker: Candidate[];
  emotion: Candidate[];
  notes: string[];
}

/** Families each role's loader understands (pyannote segmentation is not an embedding extractor). */
const FAMILIES: Record<EngineRole, readonly string[] | null> = {
  vad: ['silero-vad-v5'],
  'asr-streaming': ['zipformer2-transducer', 'zipformer-transducer'],
  'asr-final': ['sense-voice-ctc', 'whisper'],
  speaker: ['3d-speaker', 'wespeaker'],
  // Emotion models have no family of their own yet: any emotion-kind model goes to the ONNX emotion engine.
  emotion: null,
};

const LANGUAGE_NAMES: Record<string, string> = {
  en: 'English',
  zh: 'Chinese',
  ja: 'Japanese',
  ko: 'Korean',
  yue: 'Cantonese',
  de: 'German',
  fr: 'French',
  es: 'Spanish',
  it: 'Italian',
  pt: 'Portuguese',
  nl: 'Dutch',
};

export const languageName = (code: string): string => LANGUAGE_NAMES[code] ?? code;

export function speaks(model: ModelEntry, language: string): boolean {
  return language === 'auto' || model.languages.includes('*') || model.languages.includes(language);
}

const approxSize = (m: ModelEntry): number =>
  m.files.reduce((sum, f) => sum + (f.bytes ?? f.approxBytes ?? 0), 0);

const fills = (model: ModelEntry, kind: ModelKind): boolean =>
  model.kind === kind || (kind !== 'emotion' && (model.provides ?? []).includes(kind));

/** The files of a usable resolved model keyed by role and by name. */
export function pathsOf(model: ModelEntry, resolved: ResolvedModel): Record<string, string> {
  const paths: Record<string, string> = {};
  for (const file of model.files) {
    const found = resolved.files.find((f) => f.name === file.name)?.path;
    if (!found) continue;
    paths[file.name] = found;
    if (file.role && !(file.role in paths)) paths[file.role] = found;
  }
  return paths;
}

export const NO_ASR_NOTE =
  'No speech-recognition model is installed: this meeting is recorded and can be transcribed later (Settings > Models).';

export function planEngines(
  models: ReadonlyArray<{ model: ModelEntry; resolved: ResolvedModel }>,
  language: string,
): EnginePlan {
  const notes: string[] = [];
  const usable = (role: EngineRole, kind: ModelKind): Candidate[] => {
    const families = FAMILIES[role];
    const out: Candidate[] = [];
    for (const { model, resolved } of models) {
      if (!fills(model, kind)) continue;
      if (families && !families.includes(model.family)) continue;
      if (!resolved.usable) {
        // A corrupt copy is worth a sentence; a model that was simply never installed is not.
        if (resolved.status === 'corrupt') {
          const why = resolved.files
            .map((f) => f.message)
            .filter(Boolean)
            .join(' ');
          notes.push(`${model.name} is damaged and is not used. ${why}`.trim());
        }
        continue;
      }
      out.push({ model, paths: pathsOf(model, resolved) });
    }
    return out;
  };

  const vad = usable('vad', 'vad');
  const allStreaming = usable('asr-streaming', 'asr-streaming');
  const allOffline = usable('asr-final', 'asr-final');
  const streaming = allStreaming.filter((c) => speaks(c.model, language));
  const offline = allOffline
    .filter((c) => speaks(c.model, language))
    .sort((a, b) => rankFinal(b.model) - rankFinal(a.model));

  if (streaming.length === 0 && offline.length === 0) {
    const installed = [...allStreaming, ...allOffline].map((c) => c.model.name);
    notes.push(
      installed.length === 0
        ? NO_ASR_NOTE
        : `No installed speech-recognition model speaks ${languageName(language)} (installed: ${installed.join(', ')}): ` +
            'this meeting is recorded and can be transcribed later (Settings > Models, or choose another language).',
    );
  } else if (streaming.length === 0) {
    notes.push(
      `No streaming model is installed: live captions come from ${offline[0]!.model.name} re-decoding each phrase, so they lag a little.`,
    );
  }
  const speaker = usable('speaker', 'speaker');
  if (speaker.length === 0) {
    notes.push(
      'No speaker model is installed: everyone on the system audio is labelled as one speaker (Settings > Models).',
    );
  }
  return { vad, streaming, offline, speaker, emotion: usable('emotion', 'emotion'), notes };
}

/** SenseVoice first (it also gives emotion), then the bigger model (more accurate). */
function rankFinal(model: ModelEntry): number {
  const emotion = (model.provides ?? []).includes('emotion') ? 1e15 : 0;
  return emotion + approxSize(model);
}
