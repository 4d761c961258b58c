/** The one table the bench prints: a row per measure, with the baseline and ratio where there is one. */
export interface Row {
  measure: string
  quanzi: string
  baseline?: string
  ratio?: string
  target: string
  /** null: no target, only reported. */
  met: boolean | null
}

export function markdownTable(rows: Row[]): string {
  const lines = [
    '| measure | quanzi | bare baseline | ratio | target | met |',
    '| --- | ---: | ---: | ---: | --- | --- |',
  ]
  for (const row of rows) {
    const met = row.met === null ? '' : row.met ? 'yes' : '**no**'
    lines.push(
      `| ${row.measure} | ${row.quanzi} | ${row.baseline ?? ''} | ${row.ratio ?? ''} | ${row.target} | ${met} |`,
    )
  }
  return lines.join('\n')
}

export const fixed = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
