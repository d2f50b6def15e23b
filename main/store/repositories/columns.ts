/**
 * Column lists that read rows straight into the domain shapes of ../types (camelCase aliases),
 * so no per-row mapping code runs on large transcripts.
 */
export const MEETING_COLUMNS = `m.id AS id, m.title AS title, m.started_at AS startedAt, m.ended_at AS endedAt,
  m.status AS status, m.duration_ms AS durationMs, m.language AS language, m.audio_dir AS audioDir,
  m.created_at AS createdAt, m.updated_at AS updatedAt`;

export const SPEAKER_COLUMNS = `sp.id AS id, sp.meeting_id AS meetingId, sp.label AS label,
  sp.display_name AS displayName, sp.channel AS channel, sp.colour AS colour, sp.voiceprint_id AS voiceprintId`;

export const SEGMENT_COLUMNS = `s.id AS id, s.meeting_id AS meetingId, s.speaker_id AS speakerId,
  s.channel AS channel, s.start_ms AS startMs, s.end_ms AS endMs, s.text AS text, s.language AS language,
  s.emotion AS emotion, s.emotion_score AS emotionScore, s.confidence AS confidence,
  s.min_word_confidence AS minWordConfidence, s.revision AS revision`;

export const WORD_COLUMNS = `w.segment_id AS segmentId, w.ord AS ord, w.text AS text,
  w.start_ms AS startMs, w.end_ms AS endMs, w.confidence AS confidence,
  w.original_text AS originalText, w.reviewed_at AS reviewedAt`;

export const NOTE_COLUMNS = `n.id AS id, n.meeting_id AS meetingId, n.at_ms AS atMs, n.kind AS kind,
  n.text AS text, n.created_at AS createdAt, n.updated_at AS updatedAt`;
