/**
 * A path on this site, and nothing a browser could read as another site: it starts with one `/`, not `//`
 * (protocol-relative) nor `/\` (which browsers treat as `//`). The one rule for sign-in's `next` and for links in
 * creator Markdown.
 */
export function isSitePath(path: string): boolean {
  return path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/\\')
}
