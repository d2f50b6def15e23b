import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, SettingsPatchSchema, SettingsSchema } from '../../../main/api';

describe('settings schemas', () => {
  it('a one-field patch carries only that field (no defaults filled in)', () => {
    expect(SettingsPatchSchema.parse({ theme: 'dark' })).toEqual({ theme: 'dark' });
    expect(SettingsPatchSchema.parse({})).toEqual({});
  });

  it('the full schema fills every missing field with its default and drops unknown keys', () => {
    expect(SettingsSchema.parse({ theme: 'dark', fromTheFuture: 1 })).toEqual({
      ...DEFAULT_SETTINGS,
      theme: 'dark',
    });
  });

  it('patch fields are validated like the full schema', () => {
    expect(SettingsPatchSchema.safeParse({ confidenceThreshold: 2 }).success).toBe(false);
    expect(SettingsPatchSchema.safeParse({ localSpeakerName: '   ' }).success).toBe(false);
    expect(SettingsPatchSchema.safeParse({ unknown: true }).success).toBe(false);
  });
});
