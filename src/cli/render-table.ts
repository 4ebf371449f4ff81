// A plain column table for people: a header row, columns padded to their widest cell, two
// spaces between columns. Cells may carry colours (painter.ts); widths ignore the escape codes.
import type {Painter} from './painter.js'

// eslint-disable-next-line no-control-regex
const ANSI = /\u001B\[[0-9;]*m/g

const width = (text: string): number => text.replace(ANSI, '').length

export function renderTable(headers: string[], rows: string[][], paint: Painter): string {
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))))
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell + ' '.repeat(widths[i] - width(cell)))).join('  ').trimEnd()
  return [line(headers.map((h) => paint.bold(h))), ...rows.map(line)].join('\n')
}

/** "key: value" lines with the keys aligned, for a single object. */
export function renderFields(fields: Array<[string, string]>, paint: Painter): string {
  const w = Math.max(0, ...fields.map(([k]) => k.length))
  return fields.map(([k, v]) => `${paint.dim(`${k}:`)}${' '.repeat(w - k.length + 1)}${v}`).join('\n')
}
