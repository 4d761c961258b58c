/**
 * Creator-written text (Markdown) shown safely. Until a Markdown renderer with a sanitiser lands, every
 * character is escaped by hono/jsx and only blank-line-separated paragraphs (and line breaks inside them)
 * become markup, so no HTML a creator writes ever reaches the page as HTML.
 */
export function Paragraphs({ text }: { text: string }) {
  const paragraphs = text
    .replaceAll('\r\n', '\n')
    .split(/\n[ \t]*\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph.length > 0)
  return (
    <>
      {paragraphs.map((paragraph) => (
        <p>
          {paragraph.split('\n').map((line, index) => (
            <>
              {index > 0 ? <br /> : null}
              {line}
            </>
          ))}
        </p>
      ))}
    </>
  )
}
