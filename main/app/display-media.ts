import type {
  DesktopCapturerSource,
  DisplayMediaRequestHandlerHandlerRequest,
  Session,
  SourcesOptions,
  Streams,
} from 'electron';
import { isAppUrl, type OriginPolicy } from './origins';

/**
 * System audio for the capture page (issue 4): the renderer calls getDisplayMedia({audio, video}) and
 * this handler answers, without a picker, with the first screen plus 'loopback' audio (what the speakers
 * play). Chromium needs a video source to hand out loopback audio; the page stops that video track at once.
 *
 * Only our own page's top-level frame is served: a subframe or any other origin gets nothing, so a page
 * that somehow loaded in the session cannot record the screen or the system audio.
 */

type FrameLike = Pick<
  NonNullable<DisplayMediaRequestHandlerHandlerRequest['frame']>,
  'url' | 'origin' | 'parent'
>;

export type DisplayMediaRequest = Pick<
  DisplayMediaRequestHandlerHandlerRequest,
  'securityOrigin' | 'audioRequested' | 'videoRequested'
> & { frame: FrameLike | null };

type SourceLister = (options: SourcesOptions) => Promise<Pick<DesktopCapturerSource, 'id' | 'name'>[]>;

export interface DisplayMediaOptions {
  trusted?: OriginPolicy;
  /** desktopCapturer.getSources. */
  getSources: SourceLister;
  log?: (message: string, detail?: unknown) => void;
}

/** The request comes from our page's top-level frame (same rule as the permission handlers). */
export function isOwnMainFrame(request: DisplayMediaRequest, trusted: OriginPolicy = isAppUrl): boolean {
  const frame = request.frame;
  if (!frame || frame.parent !== null) return false;
  if (!trusted(request.securityOrigin) || !trusted(frame.url)) return false;
  // 'null' (opaque) or a foreign origin on a trusted URL would be a sandboxed/spoofed document.
  return frame.origin === undefined || trusted(frame.origin);
}

/** What to grant, or null to refuse. Audio must be asked for: we never hand out a silent screen grab. */
export async function answerDisplayMedia(
  request: DisplayMediaRequest,
  options: DisplayMediaOptions,
): Promise<Streams | null> {
  if (!request.audioRequested || !isOwnMainFrame(request, options.trusted ?? isAppUrl)) return null;
  // No thumbnails: they are never shown, and rendering them costs a screen grab per source.
  const sources = await options.getSources({ types: ['screen'], thumbnailSize: { width: 0, height: 0 } });
  const screen = sources[0];
  if (!screen) return null;
  return { video: { id: screen.id, name: screen.name }, audio: 'loopback' };
}

export function installDisplayMediaHandler(
  session: Pick<Session, 'setDisplayMediaRequestHandler'>,
  options: DisplayMediaOptions,
): void {
  const log = options.log ?? ((message, detail) => console.error(`[display-media] ${message}`, detail ?? ''));
  session.setDisplayMediaRequestHandler(
    (request, callback) => {
      answerDisplayMedia(request, options).then(
        (streams) => {
          if (!streams) log(`refused a display-media request from ${request.securityOrigin}`);
          callback(streams);
        },
        (error: unknown) => {
          log('display-media request failed', error);
          callback(null);
        },
      );
    },
    { useSystemPicker: false },
  );
}

/**
 * Chromium features system audio needs, by platform. Linux: loopback from the PulseAudio (or
 * PipeWire-Pulse) monitor of the default sink when a screen is shared; off by default in Chromium.
 */
export function loopbackFeatures(platform: NodeJS.Platform): string[] {
  return platform === 'linux' ? ['PulseaudioLoopbackForScreenShare'] : [];
}

/** `a,b` + [b, c] -> `a,b,c`: keeps what is already enabled (a user's flag, another module's). */
export function mergeFeatureList(existing: string, add: readonly string[]): string {
  const features = existing
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  for (const feature of add) if (!features.includes(feature)) features.push(feature);
  return features.join(',');
}

export interface FeatureCommandLine {
  getSwitchValue(name: string): string;
  appendSwitch(name: string, value?: string): void;
}

/**
 * Must run before app 'ready'. Chromium keeps one value per switch, so appending 'enable-features' again
 * would replace the existing list: the lists are merged instead.
 */
export function enableLoopbackFeatures(commandLine: FeatureCommandLine, platform: NodeJS.Platform): void {
  const add = loopbackFeatures(platform);
  if (add.length === 0) return;
  commandLine.appendSwitch(
    'enable-features',
    mergeFeatureList(commandLine.getSwitchValue('enable-features'), add),
  );
}
