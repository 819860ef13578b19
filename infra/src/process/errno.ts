/** The `code` of a Node system error (ESRCH, EPERM, EEXIST, ...), if any. */
export function errCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
}
