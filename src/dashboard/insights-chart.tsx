/**
 * A bar chart as hand-written SVG, rendered on the server so the revenue page needs no script and no chart
 * library (each would cost a phone a download). `barChartLayout` is the geometry, pure and unit-tested; the
 * component only draws it. Negative values (a month whose refunds exceed its payments) hang below a zero line
 * on the same scale, so a bar's length is always proportional to its value.
 */

export interface BarPoint {
  /** Full name of the slot, for the bar's tooltip: `2026-11`. */
  label: string
  /** Short axis text: `26-11`. */
  tick: string
  value: number
  /** The value as people read it (`¥1,234.00`), for the tooltip. */
  text: string
}

export interface Bar extends BarPoint {
  x: number
  y: number
  width: number
  height: number
  negative: boolean
}

export interface BarChartSize {
  width: number
  height: number
  /** Room above the plot, and below it for the axis labels. */
  top: number
  bottom: number
}

export interface BarChartLayout {
  width: number
  height: number
  /** The y of the zero line. */
  zeroY: number
  /** One bar per point with a non-zero value; a zero point keeps its slot and tick but draws nothing. */
  bars: Bar[]
  ticks: { x: number; text: string }[]
}

export const defaultChartSize: BarChartSize = { width: 640, height: 220, top: 10, bottom: 24 }

const round = (value: number) => Math.round(value * 100) / 100

/**
 * Pure: where each bar goes. The scale spans from the smallest value (or 0) to the largest (or 0), so positive
 * and negative bars share one unit; with no data the plot is just the zero line. At most about 12 ticks are
 * labelled so that 60 months stay legible.
 */
export function barChartLayout(
  points: readonly BarPoint[],
  size: BarChartSize = defaultChartSize,
): BarChartLayout {
  const plotHeight = size.height - size.top - size.bottom
  const max = Math.max(0, ...points.map((point) => point.value))
  const min = Math.min(0, ...points.map((point) => point.value))
  const span = max - min
  const unit = span === 0 ? 0 : plotHeight / span
  const zeroY = size.top + max * unit
  const slot = points.length ? size.width / points.length : size.width
  const barWidth = slot * 0.7
  const every = Math.max(1, Math.ceil(points.length / 12))
  const bars: Bar[] = []
  const ticks: BarChartLayout['ticks'] = []
  points.forEach((point, index) => {
    const center = slot * index + slot / 2
    if (index % every === 0) ticks.push({ x: round(center), text: point.tick })
    if (point.value === 0) return
    const height = Math.abs(point.value) * unit
    const negative = point.value < 0
    bars.push({
      ...point,
      x: round(center - barWidth / 2),
      y: round(negative ? zeroY : zeroY - height),
      width: round(barWidth),
      height: round(height),
      negative,
    })
  })
  return { width: size.width, height: size.height, zeroY: round(zeroY), bars, ticks }
}

/**
 * The chart as an image with a text alternative: `summary` names what it shows and its total; the exact figures
 * are in the table the page prints beneath it. Each bar also carries its month and amount as a tooltip.
 */
export function BarChart(props: { points: readonly BarPoint[]; summary: string; size?: BarChartSize }) {
  const layout = barChartLayout(props.points, props.size)
  return (
    <svg
      class="chart"
      role="img"
      aria-label={props.summary}
      viewBox={`0 0 ${layout.width} ${layout.height}`}
      width={layout.width}
      height={layout.height}
      xmlns="http://www.w3.org/2000/svg"
    >
      <title>{props.summary}</title>
      {layout.bars.map((bar) => (
        <rect
          class={bar.negative ? 'bar negative' : 'bar'}
          data-label={bar.label}
          data-value={bar.value}
          x={bar.x}
          y={bar.y}
          width={bar.width}
          height={bar.height}
        >
          <title>{`${bar.label}: ${bar.text}`}</title>
        </rect>
      ))}
      <line class="axis" x1={0} x2={layout.width} y1={layout.zeroY} y2={layout.zeroY} />
      {layout.ticks.map((tick) => (
        <text x={tick.x} y={layout.height - 6} text-anchor="middle">
          {tick.text}
        </text>
      ))}
    </svg>
  )
}
