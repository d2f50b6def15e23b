/** The review queue (issue 9 item 4): ranking in rank.ts, the queue read in queue.ts, actions and undo. */
export { reviewQueue, type ReviewItem, type ReviewQueue, type ReviewQueueParams } from './queue';
export {
  acceptSpan,
  correctSpan,
  fixAllOccurrences,
  recordVocabularyAddition,
  undoLastAction,
  type ReviewChange,
  type UndoResult,
} from './actions';
export { REVIEW_REASONS, type ReviewReason } from './rank';
