/** Characters that are unsafe in a file name on some system, and control characters. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is removed
const unsafe = /[\u0000-\u001f\u007f<>:"|?*]/g;
const maxSegment = 120;

/** One safe path segment: no separators, no `.` or `..`, no control or reserved characters; `fallback` if empty. */
export function safeSegment(value: string, fallback = 'file'): string {
  let out = value.replace(/[/\\]/g, '_').replace(unsafe, '_').trim();
  // Trailing dots and spaces are dropped by Windows; leading dots would hide the file or mean a parent.
  out = out.replace(/^\.+/, '').replace(/[. ]+$/, '');
  if (out.length > maxSegment) {
    const dot = out.lastIndexOf('.');
    const ext = dot > 0 && out.length - dot <= 16 ? out.slice(dot) : '';
    out = out.slice(0, maxSegment - ext.length) + ext;
  }
  return out === '' ? fallback : out;
}

/**
 * A relative path that stays inside its folder: separators normalised to `/`, absolute roots, drive letters, empty
 * segments, `.` and `..` removed, and each segment made safe.
 */
export function safeRelativePath(value: string, fallback = 'file'): string {
  const segments = value
    .replace(/\\/g, '/')
    .replace(/^[a-zA-Z]:/, '')
    .split('/')
    .filter((s) => s !== '' && s !== '.' && s !== '..')
    .map((s) => safeSegment(s, '_'));
  return segments.length === 0 ? fallback : segments.join('/');
}

/** Gives back `path`, or `name (2).ext`, `name (3).ext`... when it was taken already; records the name as taken. */
export function uniquePath(path: string, taken: Set<string>): string {
  if (!taken.has(path.toLowerCase())) {
    taken.add(path.toLowerCase());
    return path;
  }
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  const cut = dot > slash + 1 ? dot : path.length;
  for (let n = 2; ; n++) {
    const candidate = `${path.slice(0, cut)} (${n})${path.slice(cut)}`;
    if (!taken.has(candidate.toLowerCase())) {
      taken.add(candidate.toLowerCase());
      return candidate;
    }
  }
}

/** The folder name of an item inside the package: `<component>-<name>`. */
export function itemFolder(component: string, name: string): string {
  return safeSegment(`${component}-${name}`, 'item');
}

const storedExtensions = new Set([
  '7z',
  'avi',
  'bz2',
  'docx',
  'gif',
  'gz',
  'heic',
  'jpeg',
  'jpg',
  'm4a',
  'mkv',
  'mov',
  'mp3',
  'mp4',
  'odp',
  'ods',
  'odt',
  'ogg',
  'pdf',
  'png',
  'pptx',
  'rar',
  'webm',
  'webp',
  'xlsx',
  'xz',
  'zip',
  'zst',
]);

/** Whether deflating a file is worth it: formats that are compressed already are stored as they are. */
export function worthCompressing(path: string): boolean {
  const dot = path.lastIndexOf('.');
  if (dot < 0 || dot < path.lastIndexOf('/')) return true;
  return !storedExtensions.has(path.slice(dot + 1).toLowerCase());
}
