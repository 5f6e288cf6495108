/** One line of the bench's table: a measured figure, and its target when there is one. */
export interface Figure {
  label: string;
  value: string;
  target?: string;
  met?: boolean;
}

export function seconds(s: number): string {
  return `${s.toFixed(2)} s`;
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** A plain-text table: label, figure, target, verdict. */
export function figureTable(figures: readonly Figure[]): string {
  const width = (pick: (f: Figure) => string) => Math.max(...figures.map((f) => pick(f).length));
  const labelWidth = width((f) => f.label);
  const valueWidth = width((f) => f.value);
  const targetWidth = Math.max(
    6,
    width((f) => f.target ?? ''),
  );
  const line = (label: string, value: string, target: string, verdict: string) =>
    `${label.padEnd(labelWidth)}  ${value.padStart(valueWidth)}  ${target.padEnd(targetWidth)}  ${verdict}`.trimEnd();
  return [
    line('', 'figure', 'target', ''),
    ...figures.map((f) => line(f.label, f.value, f.target ?? '', f.met === undefined ? '' : f.met ? 'met' : 'NOT MET')),
  ].join('\n');
}
