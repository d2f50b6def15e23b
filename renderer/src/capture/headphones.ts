/**
 * "Echo cancellation: auto off on headphones where detectable" (issue 9 item 5). With headphones the far
 * side never reaches the microphone, and the canceller can only cost CPU and colour the voice. The page
 * cannot see the audio route, only device names: Chromium lists the system's default output as deviceId
 * 'default' ("Default - <name>"), and a name that says headphones/headset/earbuds is taken at its word.
 * A headset named only by its model ("WH-1000XM4") is not detected: echo cancellation then stays on, the
 * safe side (it leaves speech intact, measured in main/dsp/aec).
 */
const HEADPHONE_NAME = /\b(head ?phones?|head ?set|ear ?(buds?|phones?|pods?)|air ?pods|buds\d*)\b/iu;

export interface DeviceLike {
  kind: string;
  deviceId: string;
  label: string;
}

/** The default output's name when it looks like headphones, else null. */
export function headphonesInUse(devices: readonly DeviceLike[]): string | null {
  const outputs = devices.filter((d) => d.kind === 'audiooutput');
  const current =
    outputs.find((d) => d.deviceId === 'default') ?? (outputs.length === 1 ? outputs[0] : undefined);
  if (!current) return null;
  const name = current.label.replace(/^Default\s*-\s*/u, '').trim();
  return name && HEADPHONE_NAME.test(name) ? name : null;
}

/** Reads the device list (labels need the microphone permission, granted by then); never throws. */
export async function detectHeadphones(): Promise<string | null> {
  try {
    return headphonesInUse(await navigator.mediaDevices.enumerateDevices());
  } catch {
    return null;
  }
}
