//! The settings of this installation: the watched inbox folder.

import type { Settings, SettingsUpdate } from '../generated/wire';
import { nonEmptyText, nullable, record, texts } from './decode';
import { call } from './transport';

export type { Settings };

export async function fetchSettings(): Promise<Settings> {
  return decodeSettings(await call('settings'));
}

/** Sets the watched inbox folder (a full path), or clears it with null. */
export async function saveInboxFolder(folder: string | null): Promise<Settings> {
  const value = folder === null || folder.trim() === '' ? null : folder.trim();
  // A request without the folder clears it.
  const request: SettingsUpdate = value === null ? {} : { inbox_folder: value };
  return decodeSettings(await call('settings_save', request));
}

function decodeSettings(value: unknown): Settings {
  const o = record(value, 'settings');
  return {
    inbox_folder: nullable(nonEmptyText)(o.inbox_folder, 'settings.inbox_folder'),
    inbox_other_files: nullable(texts)(o.inbox_other_files, 'settings.inbox_other_files') ?? [],
  };
}
