/**
 * A path on this site, and nothing a browser could read as another site: it starts with one `/`, not `//`
 * (protocol-relative) nor `/\` (which browsers treat as `//`). The one rule for sign-in's `next` and for links in
 * creator Markdown.
 */
export function isSitePath(path: string): boolean {
  return path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/\\')
}

/**
 * The origin PUBLIC_URL names (null without one). A request is from this site when its origin is the request's own
 * (`isSiteOrigin`) or this one: behind a proxy the two can differ.
 */
export function publicOrigin(publicUrl: string | undefined): string | null {
  return publicUrl ? new URL(publicUrl).origin : null
}

/** True when `origin` is this site's: the request's own origin or PUBLIC_URL's. One rule for CSRF and redirects. */
export function isSiteOrigin(requestUrl: string, origin: string, configuredOrigin: string | null): boolean {
  return origin === new URL(requestUrl).origin || origin === configuredOrigin
}
