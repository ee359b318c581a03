//! The ledger file: whether it is encrypted and its key kept, and its daily backup.

import type { AutoBackup, AutoBackupUpdate, DbReport, LedgerFile } from '../generated/wire';
import { bool, count, nonEmptyText, nullable, record, text, texts } from './decode';
import { call } from './transport';

export type { AutoBackup, DbReport, LedgerFile };

export async function fetchDb(): Promise<DbReport> {
  return decodeDb(await call('db'));
}

/** Turns the daily backup on into `folder` (a full path) keeping `keep`, or off with null. */
export async function saveAutoBackup(folder: string | null, keep: number): Promise<DbReport> {
  const value = folder === null || folder.trim() === '' ? null : folder.trim();
  const request: AutoBackupUpdate = value === null ? { keep } : { folder: value, keep };
  return decodeDb(await call('db_auto_backup_save', request));
}

/** Makes today's backup into the daily backup's folder now. */
export async function backupNow(): Promise<DbReport> {
  return decodeDb(await call('db_backup_now'));
}

function decodeDb(value: unknown): DbReport {
  const o = record(value, 'db');
  const l = record(o.ledger, 'db.ledger');
  const a = record(o.auto_backup, 'db.auto_backup');
  return {
    ledger: {
      file: nonEmptyText(l.file, 'db.ledger.file'),
      exists: bool(l.exists, 'db.ledger.exists'),
      encrypted: bool(l.encrypted, 'db.ledger.encrypted'),
      key_reference: nullable(text)(l.key_reference, 'db.ledger.key_reference'),
      key_kept: nullable(bool)(l.key_kept, 'db.ledger.key_kept'),
      key_store: text(l.key_store, 'db.ledger.key_store'),
      bytes: count(l.bytes, 'db.ledger.bytes'),
      cipher: text(l.cipher, 'db.ledger.cipher'),
    },
    auto_backup: {
      folder: nullable(nonEmptyText)(a.folder, 'db.auto_backup.folder'),
      keep: count(a.keep, 'db.auto_backup.keep'),
      backups: texts(a.backups, 'db.auto_backup.backups'),
    },
  };
}
