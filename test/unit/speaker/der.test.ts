import { describe, expect, it } from 'vitest';
import { diarizationErrorRate, type Turn } from '../../tools/der';

const t = (speaker: string, start: number, end: number): Turn => ({ speaker, start, end });

describe('diarizationErrorRate (md-eval definition)', () => {
  it('is zero for a perfect hypothesis whatever the hypothesis labels are', () => {
    const r = diarizationErrorRate([t('A', 0, 10), t('B', 10, 20)], [t('x', 10, 20), t('y', 0, 10)], {
      collar: 0,
    });
    expect(r.der).toBe(0);
    expect(r.mapping.get('y')).toBe('A');
    expect(r.mapping.get('x')).toBe('B');
    expect(r.speakerCountError).toBe(0);
  });

  it('counts missed speech and false alarms', () => {
    const missed = diarizationErrorRate([t('A', 0, 10)], [t('x', 0, 8)], { collar: 0 });
    expect(missed.missed).toBeCloseTo(2);
    expect(missed.der).toBeCloseTo(0.2);
    const fa = diarizationErrorRate([t('A', 0, 10)], [t('x', 0, 10), t('y', 12, 14)], { collar: 0 });
    expect(fa.falseAlarm).toBeCloseTo(2);
    expect(fa.der).toBeCloseTo(0.2);
    expect(fa.speakerCountError).toBe(1);
  });

  it('counts confusion under the best one-to-one mapping', () => {
    const r = diarizationErrorRate([t('A', 0, 10), t('B', 10, 20)], [t('x', 0, 15), t('y', 15, 20)], {
      collar: 0,
    });
    expect(r.confusion).toBeCloseTo(5);
    expect(r.der).toBeCloseTo(0.25);
  });

  it('uses the optimal mapping, not the greedy one', () => {
    // Greedy would map x->A (6 s) and leave y unmapped: DER 10/16. Optimal: y->A, x->B: 6/16.
    const r = diarizationErrorRate([t('A', 0, 11), t('B', 11, 16)], [t('y', 0, 5), t('x', 5, 16)], {
      collar: 0,
    });
    expect(r.mapping.get('y')).toBe('A');
    expect(r.mapping.get('x')).toBe('B');
    expect(r.confusion).toBeCloseTo(6);
    expect(r.der).toBeCloseTo(6 / 16);
  });

  it('excludes a 250 ms collar around every reference boundary', () => {
    const ref = [t('A', 0, 10), t('B', 10, 20)];
    const hyp = [t('x', 0, 10.2), t('y', 10.2, 20)];
    const withCollar = diarizationErrorRate(ref, hyp);
    expect(withCollar.der).toBe(0);
    // Scored reference time: 20 s minus 0.25 at 0, 0.5 around 10, 0.25 at 20.
    expect(withCollar.total).toBeCloseTo(19);
    const noCollar = diarizationErrorRate(ref, hyp, { collar: 0 });
    expect(noCollar.confusion).toBeCloseTo(0.2);
    expect(noCollar.der).toBeCloseTo(0.01);
    // An error beyond the collar still counts.
    const late = diarizationErrorRate(ref, [t('x', 0, 11), t('y', 11, 20)]);
    expect(late.confusion).toBeCloseTo(0.75);
  });

  it('scores overlapped speech per speaker', () => {
    const r = diarizationErrorRate([t('A', 0, 10), t('B', 5, 10)], [t('x', 0, 10)], { collar: 0 });
    expect(r.total).toBeCloseTo(15);
    expect(r.missed).toBeCloseTo(5);
    expect(r.der).toBeCloseTo(1 / 3);
  });

  it('reports speaker-count error and handles an empty hypothesis', () => {
    const r = diarizationErrorRate([t('A', 0, 4), t('B', 4, 8), t('C', 8, 12)], [], { collar: 0 });
    expect(r.der).toBeCloseTo(1);
    expect(r.speakerCountError).toBe(-3);
    expect(diarizationErrorRate([], [], {}).der).toBe(0);
  });

  it('limits scoring to a UEM', () => {
    const r = diarizationErrorRate([t('A', 0, 10)], [t('x', 0, 10), t('y', 20, 30)], {
      collar: 0,
      uem: { start: 0, end: 10 },
    });
    expect(r.der).toBe(0);
  });
});
