/**
 * Paths stored in events are relative to a root the service owns (inputs or outputs) and written
 * the posix way, so they mean the same thing on every host and can never escape that root.
 */
export function isRelativePosixPath(path: string): boolean {
  if (path === '' || path.includes('\\') || path.includes('\0') || /^[A-Za-z]:/.test(path)) return false;
  return path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}
