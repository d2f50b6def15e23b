import { useEffect, useState } from 'react';
import type { VerbatimApi } from '../../../main/api';
import {
  LATENCY_LABELS,
  LATENCY_METRICS,
  LatencyMeter,
  type LatencyMetric,
  type LatencySummary,
} from './latency';

/** How often an open panel re-reads the figures: often enough to watch, never on the partial path. */
const REFRESH_MS = 1000;

const ms = (v: number) => `${Math.round(v)} ms`;

/**
 * The debug panel of issue 8 item 6: latency of the transcript events reaching this window. Measures only
 * while the Live page is shown; closed, it costs one ring push per event.
 */
export function LatencyPanel({
  api,
  meetingId,
  recordedMs,
}: {
  api: VerbatimApi;
  meetingId: number | null;
  /** This window's recorded meeting time now, or null when another window captures (keep it stable). */
  recordedMs: () => number | null;
}) {
  const [meter] = useState(() => new LatencyMeter());
  const [open, setOpen] = useState(false);
  const [rows, setRows] = useState<Array<[LatencyMetric, LatencySummary | null]>>([]);

  useEffect(() => {
    meter.reset();
    const offPartial = api.on('transcript.partial', (e) => {
      if (e.meetingId === meetingId) meter.partial(e, Date.now(), recordedMs());
    });
    const offFinal = api.on('transcript.final', (e) => {
      if (e.meetingId === meetingId) meter.final(e, Date.now());
    });
    return () => {
      offPartial();
      offFinal();
    };
  }, [api, meetingId, meter, recordedMs]);

  useEffect(() => {
    if (!open) return;
    const read = () => setRows(LATENCY_METRICS.map((m) => [m, meter.summary(m)]));
    read();
    const timer = setInterval(read, REFRESH_MS);
    return () => clearInterval(timer);
  }, [open, meter]);

  return (
    <details className="card live-latency" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Latency (debug)</summary>
      {open && (
        <table>
          <caption className="visually-hidden">Latency of the live transcript, last 256 events</caption>
          <thead>
            <tr>
              <th scope="col">Measure</th>
              <th scope="col">Last</th>
              <th scope="col">p50</th>
              <th scope="col">p95</th>
              <th scope="col">Max</th>
              <th scope="col">Events</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([metric, s]) => (
              <tr key={metric}>
                <th scope="row">{LATENCY_LABELS[metric]}</th>
                {s ? (
                  <>
                    <td>{ms(s.last)}</td>
                    <td>{ms(s.p50)}</td>
                    <td>{ms(s.p95)}</td>
                    <td>{ms(s.max)}</td>
                    <td>{s.count}</td>
                  </>
                ) : (
                  <td colSpan={5}>no events yet</td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </details>
  );
}
