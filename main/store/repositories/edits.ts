import type { Edit } from '../types';
import type { StoreContext } from './context';

export interface EditInput {
  meetingId: number | null;
  table: string;
  rowId: number;
  field: string;
  oldValue: string | number | null;
  newValue: string | number | null;
}

/** Appends to the audit log of user edits; called inside the edit's own transaction. */
export function logEdit(ctx: StoreContext, edit: EditInput): void {
  ctx
    .sql(
      `INSERT INTO edits (meeting_id, table_name, row_id, field, old_value, new_value, at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(edit.meetingId, edit.table, edit.rowId, edit.field, edit.oldValue, edit.newValue, ctx.now());
}

export function listEdits(ctx: StoreContext, meetingId: number): Edit[] {
  return ctx
    .sql<Edit>(
      `SELECT id, meeting_id AS meetingId, table_name AS "table", row_id AS rowId, field,
              old_value AS oldValue, new_value AS newValue, at
       FROM edits WHERE meeting_id = ? ORDER BY at, id`,
    )
    .all(meetingId);
}
