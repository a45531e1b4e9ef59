/**
 * Recently opened files, kept in this browser's localStorage (per origin: the desktop app and the served mode
 * keep separate lists): the last 10, newest first, each with the roles it was loaded with.
 */
import type { BadRowPolicy, RoleAssignment, JoinBy } from '../../../../shared/domain/ingest.ts';

export interface RecentFile {
  path: string;
  roles: RoleAssignment;
  badRows: BadRowPolicy;
  labelsPath?: string;
  joinBy?: JoinBy;
  /** ISO time of the load. */
  openedAt: string;
}

const KEY = 'assay.recentFiles.v1';
export const RECENT_LIMIT = 10;

function isStringOrNull(v: unknown): v is string | null {
  return v === null || typeof v === 'string';
}

function isRoles(v: unknown): v is RoleAssignment {
  if (!v || typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  const strings = (x: unknown) => Array.isArray(x) && x.every((s) => typeof s === 'string');
  return (
    isStringOrNull(r.label) && isStringOrNull(r.id) && isStringOrNull(r.group) && strings(r.text) && (r.features === null || strings(r.features))
  );
}

function isRecent(v: unknown): v is RecentFile {
  if (!v || typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r.path === 'string' &&
    isRoles(r.roles) &&
    (r.badRows === 'stop' || r.badRows === 'skip') &&
    (r.labelsPath === undefined || typeof r.labelsPath === 'string') &&
    typeof r.openedAt === 'string'
  );
}

export function loadRecent(): RecentFile[] {
  try {
    const raw = window.localStorage.getItem(KEY);
    if (!raw) return [];
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.filter(isRecent).slice(0, RECENT_LIMIT) : [];
  } catch {
    // Storage refused (private mode) or an unreadable entry: start a fresh list.
    return [];
  }
}

/** Puts `entry` first (replacing an older entry for the same file) and keeps the newest ten. */
export function rememberRecent(entry: RecentFile): RecentFile[] {
  const list = [entry, ...loadRecent().filter((r) => r.path !== entry.path)].slice(0, RECENT_LIMIT);
  try {
    window.localStorage.setItem(KEY, JSON.stringify(list));
  } catch {
    // Not fatal: the list is a convenience.
  }
  return list;
}

export function forgetRecent(path: string): RecentFile[] {
  const list = loadRecent().filter((r) => r.path !== path);
  try {
    window.localStorage.setItem(KEY, JSON.stringify(list));
  } catch {
    // ignore
  }
  return list;
}

const LAST_FOLDER_KEY = 'assay.chooserFolder.v1';

export function lastFolder(): string | null {
  try {
    return window.localStorage.getItem(LAST_FOLDER_KEY);
  } catch {
    return null;
  }
}

export function rememberFolder(path: string): void {
  try {
    window.localStorage.setItem(LAST_FOLDER_KEY, path);
  } catch {
    // ignore
  }
}
