export const adminHome = '/admin/';

/**
 * Where to go after logging in: only a path on this site. `//host`, `/\host` and anything with a scheme would
 * leave it (browsers treat a backslash as a slash), so those fall back to the admin home.
 */
export function safeNextPath(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/')) return adminHome;
  if (next.startsWith('//') || next.startsWith('/\\')) return adminHome;
  // Control characters (tabs, newlines) are stripped by browsers and could smuggle a second slash in.
  if ([...next].some((char) => char === '\\' || char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f))
    return adminHome;
  return next;
}
