import { describe, expect, it } from 'vitest';
import { headphonesInUse } from '../../renderer/src/capture/headphones';

const out = (deviceId: string, label: string) => ({ kind: 'audiooutput', deviceId, label });
const mic = (deviceId: string, label: string) => ({ kind: 'audioinput', deviceId, label });

describe('headphonesInUse', () => {
  it('reads the default output named as headphones, a headset or earbuds', () => {
    for (const label of [
      'Headphones',
      'USB Headset Analog Stereo',
      'Galaxy Buds2',
      'AirPods Pro',
      'EarPods',
    ]) {
      expect(headphonesInUse([out('default', `Default - ${label}`), out('x', 'Speakers')])).toBe(label);
    }
  });

  it('ignores speakers, other outputs and microphones', () => {
    expect(
      headphonesInUse([out('default', 'Default - Built-in Audio Analog Stereo'), out('h', 'Headphones')]),
    ).toBe(null);
    expect(headphonesInUse([mic('default', 'Default - Headset Microphone')])).toBeNull();
    expect(headphonesInUse([])).toBeNull();
  });

  it('takes the only output when there is no default entry, and nothing when labels are hidden', () => {
    expect(headphonesInUse([out('abc', 'Wired Headphones')])).toBe('Wired Headphones');
    expect(headphonesInUse([out('a', 'Headphones'), out('b', 'Speakers')])).toBeNull();
    expect(headphonesInUse([out('default', '')])).toBeNull();
  });
});
