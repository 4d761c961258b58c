/**
 * Creator-written Markdown (posts, lessons, descriptions, bios, joining instructions) rendered safely: the text is
 * parsed into a small set of elements and every piece of it reaches the page through hono/jsx, which escapes it.
 * Nothing a creator types is ever emitted as HTML; a raw `<script>` is shown as text.
 *
 * The subset, close to CommonMark where it matters to writers:
 * - blocks: paragraphs (a single newline is a line break, as Chinese writers expect), `#`–`######` headings (one
 *   level below the page's own `<h1>`), `-`/`*`/`+` and `1.` lists (one level), `>` quotes, fenced code
 *   blocks (```), and `---` rules;
 * - inline: `code`, **strong**, *emphasis* or _emphasis_, and [links](https://…). Links keep only http(s),
 *   mailto and same-site targets (`/…`, `#…`); any other scheme (`javascript:`, `data:` …) leaves the text
 *   unlinked. Raw HTML and images are shown as text.
 */
import type { Child } from 'hono/jsx'
import { isSitePath } from '../lib/site-path'

type Block =
  | { kind: 'paragraph'; lines: string[] }
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'list'; ordered: boolean; items: string[] }
  | { kind: 'quote'; lines: string[] }
  | { kind: 'code'; text: string }
  | { kind: 'rule' }

const headingLine = /^(#{1,6})[ \t]+(.*?)[ \t#]*$/
const bulletLine = /^[ \t]{0,3}[-*+][ \t]+(.*)$/
const orderedLine = /^[ \t]{0,3}\d{1,9}[.)][ \t]+(.*)$/
const quoteLine = /^[ \t]{0,3}>[ \t]?(.*)$/
const fenceLine = /^[ \t]{0,3}(```+|~~~+)/
const ruleLine = /^[ \t]{0,3}([-*_])([ \t]*\1){2,}[ \t]*$/
/**
 * What every line above begins with: a line that does not (most of a post) can only be part of a paragraph,
 * so the six patterns need not be tried on it.
 */
const blockStart = /^[ \t#>`~*+\-_\d]/

/** Splits the text into blocks, line by line. */
export function parseBlocks(text: string): Block[] {
  const lines = text.replaceAll('\r\n', '\n').replaceAll('\r', '\n').split('\n')
  const blocks: Block[] = []
  let index = 0
  while (index < lines.length) {
    const line = lines[index] ?? ''
    const marked = blockStart.test(line)
    const fence = marked ? fenceLine.exec(line) : null
    if (fence?.[1]) {
      const marker = fence[1]
      const body: string[] = []
      index++
      while (index < lines.length && !(lines[index] ?? '').trimStart().startsWith(marker)) {
        body.push(lines[index] ?? '')
        index++
      }
      index++ // the closing fence (or the end of the text)
      blocks.push({ kind: 'code', text: body.join('\n') })
      continue
    }
    if (line.trim() === '') {
      index++
      continue
    }
    const heading = marked ? headingLine.exec(line) : null
    if (heading?.[1]) {
      blocks.push({ kind: 'heading', level: heading[1].length, text: heading[2] ?? '' })
      index++
      continue
    }
    if (marked && ruleLine.test(line)) {
      blocks.push({ kind: 'rule' })
      index++
      continue
    }
    if (marked && quoteLine.test(line)) {
      const quoted: string[] = []
      while (index < lines.length && quoteLine.test(lines[index] ?? ''))
        quoted.push(quoteLine.exec(lines[index++] ?? '')?.[1] ?? '')
      blocks.push({ kind: 'quote', lines: quoted })
      continue
    }
    const ordered = marked && orderedLine.test(line)
    if (ordered || (marked && bulletLine.test(line))) {
      const pattern = ordered ? orderedLine : bulletLine
      const items: string[] = []
      while (index < lines.length && pattern.test(lines[index] ?? ''))
        items.push(pattern.exec(lines[index++] ?? '')?.[1] ?? '')
      blocks.push({ kind: 'list', ordered, items })
      continue
    }
    const paragraph: string[] = []
    while (index < lines.length) {
      const next = lines[index] ?? ''
      if (
        next.trim() === '' ||
        (blockStart.test(next) &&
          (headingLine.test(next) ||
            fenceLine.test(next) ||
            quoteLine.test(next) ||
            ruleLine.test(next) ||
            (paragraph.length > 0 && (bulletLine.test(next) || orderedLine.test(next)))))
      )
        break
      paragraph.push(next.trim())
      index++
    }
    blocks.push({ kind: 'paragraph', lines: paragraph })
  }
  return blocks
}

/** A link target a page may carry: http(s), mailto, or a path or fragment on this site. */
export function safeHref(target: string): string | null {
  const href = target.trim()
  if (isSitePath(href)) return href
  if (href.startsWith('#')) return href
  try {
    // The URL parser's own reading (the one a browser will make), normalised; anything else is no link.
    const url = new URL(href)
    return ['http:', 'https:', 'mailto:'].includes(url.protocol) ? url.href : null
  } catch {
    return null
  }
}

// One pass over the text: code spans first (nothing inside them is Markdown), then links, strong and emphasis.
const inlineToken =
  /(`+)([\s\S]*?[^`])\1(?!`)|\[([^\]\n]{1,500})\]\(([^()\s]{1,2000})\)|\*\*(?=\S)([\s\S]*?\S)\*\*|__(?=\S)([\s\S]*?\S)__|\*(?=\S)([^*]*?\S)\*|(?<![\p{L}\p{N}])_(?=\S)([^_]*?\S)_(?![\p{L}\p{N}])/gu

/** Every token above begins with one of these: text without any (most lines) is plain text as it is. */
const inlineStart = /[`[*_]/

/** Inline Markdown as hono/jsx children; every string is escaped when rendered. */
export function inline(text: string): Child[] {
  if (!inlineStart.test(text)) return text === '' ? [] : [text]
  const out: Child[] = []
  let last = 0
  for (const match of text.matchAll(inlineToken)) {
    const at = match.index ?? 0
    if (at > last) out.push(text.slice(last, at))
    const [whole, , code, label, target, strong, strongAlt, em, emAlt] = match
    if (code !== undefined)
      out.push(<code>{code.trim() === '' ? code : code.replace(/^ (.*) $/s, '$1')}</code>)
    else if (label !== undefined && target !== undefined) {
      const href = safeHref(target)
      out.push(
        href ? (
          <a href={href} rel="nofollow noopener">
            {inline(label)}
          </a>
        ) : (
          whole
        ),
      )
    } else if (strong !== undefined || strongAlt !== undefined)
      out.push(<strong>{inline(strong ?? strongAlt ?? '')}</strong>)
    else if (em !== undefined || emAlt !== undefined) out.push(<em>{inline(em ?? emAlt ?? '')}</em>)
    else out.push(whole)
    last = at + whole.length
  }
  if (last < text.length) out.push(text.slice(last))
  return out
}

/** Lines joined by line breaks, each line's inline Markdown rendered. */
function withBreaks(lines: string[]): Child[] {
  if (lines.length === 1) return inline(lines[0] ?? '')
  return lines.flatMap((line, index) => (index > 0 ? [<br />, ...inline(line)] : inline(line)))
}

function renderBlock(block: Block): Child {
  switch (block.kind) {
    case 'paragraph':
      return <p>{withBreaks(block.lines)}</p>
    case 'heading': {
      // The page's title is the <h1>: a creator's `#` is the next level down, and nothing goes below <h4>.
      const level = Math.min(block.level + 1, 4)
      const children = inline(block.text)
      if (level === 2) return <h2>{children}</h2>
      if (level === 3) return <h3>{children}</h3>
      return <h4>{children}</h4>
    }
    case 'list': {
      const items = block.items.map((item) => <li>{inline(item)}</li>)
      return block.ordered ? <ol>{items}</ol> : <ul>{items}</ul>
    }
    case 'quote':
      return (
        <blockquote>
          {parseBlocks(block.lines.join('\n')).map((inner) =>
            inner.kind === 'quote' ? <p>{withBreaks(inner.lines)}</p> : renderBlock(inner),
          )}
        </blockquote>
      )
    case 'code':
      return (
        <pre>
          <code>{block.text}</code>
        </pre>
      )
    case 'rule':
      return <hr />
  }
}

export function Markdown({ text }: { text: string }) {
  return <>{parseBlocks(text).map(renderBlock)}</>
}
