import { useEffect } from 'react';
import type { Settings } from '../../main/api';
import { useSettings } from './backend/settings';

/**
 * Theme and font scale belong to the whole window, so they live on <html>: styles.css keys its colours
 * off data-theme and sizes everything in rem from --font-scale. Set through the CSSOM, which the CSP
 * allows (an inline style attribute would not be).
 */
export function applyAppearance(
  root: HTMLElement,
  { theme, fontScale }: Pick<Settings, 'theme' | 'fontScale'>,
): void {
  root.dataset.theme = theme;
  root.style.setProperty('--font-scale', String(fontScale));
}

/** Keeps <html> in step with the stored settings; before they load, the CSS follows the system theme. */
export function useAppearance(): void {
  const { settings } = useSettings();
  const theme = settings.state === 'ok' ? settings.value.theme : null;
  const fontScale = settings.state === 'ok' ? settings.value.fontScale : null;
  useEffect(() => {
    if (theme !== null && fontScale !== null) applyAppearance(document.documentElement, { theme, fontScale });
  }, [theme, fontScale]);
}
