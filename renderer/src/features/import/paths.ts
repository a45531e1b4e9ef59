/** Path helpers for host paths shown in the renderer (POSIX or Windows; the host decides, not the browser). */

export function separatorOf(path: string): '/' | '\\' {
  return /^[a-zA-Z]:\\/.test(path) || (path.includes('\\') && !path.includes('/')) ? '\\' : '/';
}

export function joinPath(folder: string, name: string): string {
  const sep = separatorOf(folder);
  return folder.endsWith(sep) ? folder + name : folder + sep + name;
}

export function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}

export function folderOf(path: string): string | null {
  const sep = separatorOf(path);
  const i = path.lastIndexOf(sep);
  if (i < 0) return null;
  if (i === 0) return sep;
  // Keep the root of a drive: C:\
  if (sep === '\\' && i === 2 && path[1] === ':') return path.slice(0, 3);
  return path.slice(0, i);
}

/** Every ancestor of a folder, root first, with the label each breadcrumb shows. */
export function breadcrumbs(path: string): { label: string; path: string }[] {
  const sep = separatorOf(path);
  const crumbs: { label: string; path: string }[] = [];
  if (sep === '/') {
    crumbs.push({ label: '/', path: '/' });
    let acc = '';
    for (const part of path.split('/').filter(Boolean)) {
      acc += `/${part}`;
      crumbs.push({ label: part, path: acc });
    }
    return crumbs;
  }
  const parts = path.split('\\').filter(Boolean);
  let acc = '';
  parts.forEach((part, i) => {
    acc = i === 0 ? `${part}\\` : joinPath(acc, part);
    crumbs.push({ label: i === 0 ? `${part}\\` : part, path: acc });
  });
  return crumbs;
}

/** Extensions the chooser shows unless "all files" is on. */
export const DATA_EXTENSIONS = ['.csv', '.tsv', '.txt', '.jsonl', '.ndjson', '.npy', '.parquet'];

export function isDataFile(name: string): boolean {
  const lower = name.toLowerCase();
  return DATA_EXTENSIONS.some((ext) => lower.endsWith(ext));
}
