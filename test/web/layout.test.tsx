/** The page shell: doctype, language, the head (escaped title and description, the stylesheet) and the footer. */
import { describe, expect, it } from 'vitest'
import { stylesheetPath } from '../../src/web/assets'
import { Layout } from '../../src/web/layout'

const render = async (props: { title: string; lang: string; description?: string }) =>
  String(
    await (
      <Layout {...props}>
        <p>x</p>
      </Layout>
    ).toString(),
  )

const footer =
  '<footer class="page muted"><a href="/lang/zh-CN" lang="zh-CN" hreflang="zh-CN" rel="nofollow">中文</a> · ' +
  '<a href="/lang/en" lang="en" hreflang="en" rel="nofollow">English</a></footer>'

describe('Layout', () => {
  it('writes the head with the title and description escaped', async () => {
    expect(await render({ title: `A "t" <x> & ’'`, lang: 'en', description: `d "q" <y> '&` })).toBe(
      '<!doctype html><html lang="en"><head><meta charset="utf-8"/>' +
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>' +
        '<title>A &quot;t&quot; &lt;x&gt; &amp; ’&#39;</title>' +
        '<meta name="description" content="d &quot;q&quot; &lt;y&gt; &#39;&amp;"/>' +
        `<link rel="stylesheet" href="${stylesheetPath}"/></head>` +
        `<body><main class="page"><p>x</p></main>${footer}</body></html>`,
    )
  })

  it('leaves the description out when there is none', async () => {
    for (const description of [undefined, '']) {
      const page = await render({
        title: 'T',
        lang: 'zh-CN',
        ...(description === undefined ? {} : { description }),
      })
      expect(page).toContain('<title>T</title><link rel="stylesheet"')
      expect(page).not.toContain('name="description"')
    }
  })
})
