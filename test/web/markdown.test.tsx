/** The Markdown subset creators write in, and what it must never let through (stored XSS). */
import { describe, expect, it } from 'vitest'
import { Markdown, safeHref } from '../../src/web/markdown'

const html = async (text: string) => String(await (<Markdown text={text} />).toString())

describe('Markdown', () => {
  it('renders paragraphs with line breaks, headings one level below the page title, and rules', async () => {
    expect(await html('第一行\n第二行\n\nNext paragraph')).toBe(
      '<p>第一行<br/>第二行</p><p>Next paragraph</p>',
    )
    expect(await html('# Title\n## Sub\n###### Deep')).toBe('<h2>Title</h2><h3>Sub</h3><h4>Deep</h4>')
    expect(await html('above\n\n---\n\nbelow')).toBe('<p>above</p><hr/><p>below</p>')
  })

  it('renders lists, quotes and fenced code (code stays verbatim)', async () => {
    expect(await html('- one\n- **two**\n\n1. first\n2. second')).toBe(
      '<ul><li>one</li><li><strong>two</strong></li></ul><ol><li>first</li><li>second</li></ol>',
    )
    expect(await html('> quoted *well*\n> on two lines')).toBe(
      '<blockquote><p>quoted <em>well</em><br/>on two lines</p></blockquote>',
    )
    expect(await html('```\nconst a = **b** < 1\n```')).toBe('<pre><code>const a = **b** &lt; 1</code></pre>')
  })

  it('tells block markers from plain lines wherever they start (indented, tabbed, CR line ends)', async () => {
    expect(
      await html(
        'plain line\n  - indented item\n\u3000\nafter ideographic space\n\tx\n9) nine\n~~~\nfenced\n~~~\n> q\n_x_ and *y*',
      ),
    ).toBe(
      '<p>plain line</p><ul><li>indented item</li></ul><p>after ideographic space<br/>x</p><ol><li>nine</li></ol>' +
        '<pre><code>fenced</code></pre><blockquote><p>q</p></blockquote><p><em>x</em> and <em>y</em></p>',
    )
    expect(await html('a\n\r\nb\rc\n#nospace\n+ plus\n1.5 not a list')).toBe(
      '<p>a</p><p>b<br/>c<br/>#nospace</p><ul><li>plus</li></ul><p>1.5 not a list</p>',
    )
  })

  it('renders inline code, strong, emphasis and safe links', async () => {
    expect(await html('use `a*b*c` and **bold** and *em* and _em_ but not snake_case_name')).toBe(
      '<p>use <code>a*b*c</code> and <strong>bold</strong> and <em>em</em> and <em>em</em> but not snake_case_name</p>',
    )
    expect(await html('[读书会](https://example.com/club?a=1&b=2) · [me](/me) · [top](#top)')).toBe(
      '<p><a href="https://example.com/club?a=1&amp;b=2" rel="nofollow noopener">读书会</a> · ' +
        '<a href="/me" rel="nofollow noopener">me</a> · <a href="#top" rel="nofollow noopener">top</a></p>',
    )
  })

  it('never emits creator-written HTML or a script-capable link (stored XSS)', async () => {
    const vectors = [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '[click](javascript:alert(1))',
      '[click](JaVaScRiPt:alert(1))',
      '[click](java\tscript:alert(1))',
      '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
      '[click](vbscript:msgbox(1))',
      '[x](https://ok.example/" onmouseover="alert(1))',
      '**<svg onload=alert(1)>**',
      '`</code><script>alert(1)</script>`',
      '# <iframe src=javascript:alert(1)>',
      '- <a href="javascript:alert(1)">x</a>',
      '> <style>*{display:none}</style>',
      '```\n</pre><script>alert(1)</script>\n```',
      '![img](https://ok.example/x.png" onerror="alert(1))',
    ]
    for (const vector of vectors) {
      const out = await html(vector)
      expect(out, vector).not.toMatch(/<(script|img|svg|iframe|style|a href="javascript)/i)
      expect(out, vector).not.toMatch(/href="(?!https?:\/\/|\/|#|mailto:)/i)
      expect(out, vector).not.toMatch(/\son\w+="/i)
    }
  })

  it('accepts only http(s), mailto and same-site link targets', () => {
    expect(safeHref('https://example.com/a b')).toBe('https://example.com/a%20b')
    expect(safeHref('mailto:hi@example.com')).toBe('mailto:hi@example.com')
    expect(safeHref('/c/demo')).toBe('/c/demo')
    for (const bad of [
      '//evil.example',
      '/\\evil.example',
      'javascript:x',
      ' javascript:x',
      'data:x',
      'ftp://x',
      'x',
    ])
      expect(safeHref(bad), bad).toBeNull()
  })
})
