/**
 * Small SVG charts for the reports in docs/ (GitHub shows them inline): what a run looked like, for people
 * who would rather see a fault and its recovery than read the figures. No dependency: a few shapes and text.
 */

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const round = (value: number) => Math.round(value * 10) / 10;

export interface TimeSeries {
  readonly label: string;
  readonly colour: string;
  /** One value per second from the start. */
  readonly values: readonly number[];
}

export interface ShadedWindow {
  readonly label: string;
  readonly startSeconds: number;
  readonly endSeconds: number;
}

/** Each series as a line in a panel of its own (own scale), over seconds, the windows shaded in every panel. */
export function timelineSvg(
  title: string,
  series: readonly TimeSeries[],
  windows: readonly ShadedWindow[],
): string {
  const width = 800;
  const panelHeight = 130;
  const left = 60;
  const plotWidth = width - left - 20;
  const seconds = Math.max(1, ...series.map((one) => one.values.length));
  const x = (second: number) => left + (second / seconds) * plotWidth;
  const panels = series.map((one, index) => {
    const top = 40 + index * (panelHeight + 20);
    const max = Math.max(1, ...one.values);
    const y = (value: number) => top + panelHeight - (value / max) * panelHeight;
    const shading = windows.map(
      (window) =>
        `<rect x="${round(x(window.startSeconds))}" y="${top}" width="${round(Math.max(1, x(window.endSeconds) - x(window.startSeconds)))}" height="${panelHeight}" fill="#f4c7c3" opacity="0.6"><title>${escape(window.label)}</title></rect>`,
    );
    const points = one.values
      .map((value, second) => `${round(x(second + 0.5))},${round(y(value))}`)
      .join(' ');
    return [
      ...shading,
      `<rect x="${left}" y="${top}" width="${plotWidth}" height="${panelHeight}" fill="none" stroke="#999"/>`,
      `<polyline points="${points}" fill="none" stroke="${one.colour}" stroke-width="2"/>`,
      `<text x="${left}" y="${top - 6}" font-size="13">${escape(one.label)} (max ${round(max)})</text>`,
      `<text x="${left - 6}" y="${top + panelHeight}" font-size="11" text-anchor="end">0</text>`,
    ].join('\n');
  });
  const height = 60 + series.length * (panelHeight + 20);
  const legend = windows
    .map((window) => `${escape(window.label)} (${round(window.startSeconds)}–${round(window.endSeconds)} s)`)
    .join('; ');
  return svgDocument(width, height, [
    `<text x="${left}" y="20" font-size="15" font-weight="bold">${escape(title)}</text>`,
    ...panels,
    `<text x="${left}" y="${height - 8}" font-size="11">seconds from the start of the load; shaded: ${legend || 'no fault'}</text>`,
  ]);
}

export interface Bar {
  readonly label: string;
  readonly value: number;
}

/** Horizontal bars, one per row, with their values. */
export function barsSvg(title: string, unit: string, bars: readonly Bar[]): string {
  const width = 800;
  const rowHeight = 26;
  const left = 330;
  const plotWidth = width - left - 90;
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const rows = bars.map((bar, index) => {
    const y = 40 + index * rowHeight;
    const length = Math.max(1, (bar.value / max) * plotWidth);
    return [
      `<text x="${left - 8}" y="${y + 15}" font-size="12" text-anchor="end">${escape(bar.label)}</text>`,
      `<rect x="${left}" y="${y + 3}" width="${round(length)}" height="${rowHeight - 8}" fill="#4a7fb5"/>`,
      `<text x="${round(left + length + 6)}" y="${y + 15}" font-size="12">${Math.round(bar.value)} ${escape(unit)}</text>`,
    ].join('\n');
  });
  return svgDocument(width, 50 + bars.length * rowHeight, [
    `<text x="10" y="20" font-size="15" font-weight="bold">${escape(title)}</text>`,
    ...rows,
  ]);
}

function svgDocument(width: number, height: number, body: readonly string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
