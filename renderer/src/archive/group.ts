import type { SearchHit } from '../../../main/api';

export interface MeetingHits {
  meetingId: number;
  title: string;
  startedAt: number;
  hits: SearchHit[];
}

/**
 * Groups hits by meeting. Meetings appear in the order of their best (first) hit, so the backend's
 * ranking decides which meeting is shown first; inside a meeting the hits keep the backend's order.
 */
export function groupHitsByMeeting(hits: readonly SearchHit[]): MeetingHits[] {
  const groups = new Map<number, MeetingHits>();
  for (const hit of hits) {
    let group = groups.get(hit.meetingId);
    if (!group) {
      group = {
        meetingId: hit.meetingId,
        title: hit.meetingTitle,
        startedAt: hit.meetingStartedAt,
        hits: [],
      };
      groups.set(hit.meetingId, group);
    }
    group.hits.push(hit);
  }
  return [...groups.values()];
}
