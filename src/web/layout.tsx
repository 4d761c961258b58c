/** The HTML shell every page shares: language, viewport for phones (WeChat's in-app browser), one stylesheet. */

import { html, raw } from 'hono/html'
import type { Child } from 'hono/jsx'
import { stylesheetPath } from './assets'

export interface LayoutProps {
  title: string
  lang: string
  description?: string
  children?: Child
}

/**
 * The head, through hono/html's `html` (which escapes every value as JSX does): as JSX, `<head>` and the `<meta>`,
 * `<title>` and `<link>` in it take hono/jsx's document-metadata path (a context, hoisting checks), which cost
 * more than all the rest of the shell. The markup is the same.
 */
function head(title: string, description: string | undefined) {
  return html`<head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/><title>${title}</title>${description ? html`<meta name="description" content="${description}"/>` : null}<link rel="stylesheet" href="${stylesheetPath}"/></head>`
}

export function Layout({ title, lang, description, children }: LayoutProps) {
  // Without a doctype browsers render in quirks mode; hono/jsx does not add one.
  return (
    <>
      {raw('<!doctype html>')}
      <html lang={lang}>
        {head(title, description)}
        <body>
          <main class="page">{children}</main>
          <footer class="page muted">
            <a href="/lang/zh-CN" lang="zh-CN" hreflang="zh-CN" rel="nofollow">
              中文
            </a>{' '}
            ·{' '}
            <a href="/lang/en" lang="en" hreflang="en" rel="nofollow">
              English
            </a>
          </footer>
        </body>
      </html>
    </>
  )
}
