import { renderKpiSql } from '../compute/kpiSql.ts';

/** Same pattern as kpiSql.ts: the check renders each placeholder it finds through renderKpiSql. */
const PLACEHOLDER = /\{\{\s*[a-z_]+\s*\}\}/g;

export interface QuarterRange {
  fromQuarter: number;
  toQuarter: number;
}

/** A 1-based line and column, as an editor shows them. */
export interface Position {
  line: number;
  column: number;
}

/**
 * KPI SQL after placeholder substitution, with the way back: the grammar check and the engines
 * see the rendered text, the author sees positions in the `.sql` file.
 */
export class RenderedSql {
  readonly text: string;
  private readonly pieces: { renderedStart: number; sourceStart: number; renderedLength: number; sourceLength: number }[] = [];
  private readonly renderedLineStarts: number[];
  private readonly sourceLineStarts: number[];

  constructor(
    readonly source: string,
    range: QuarterRange,
  ) {
    let text = '';
    let at = 0;
    for (const match of source.matchAll(PLACEHOLDER)) {
      text += source.slice(at, match.index);
      const value = renderKpiSql(match[0], range);
      this.pieces.push({ renderedStart: text.length, sourceStart: match.index, renderedLength: value.length, sourceLength: match[0].length });
      text += value;
      at = match.index + match[0].length;
    }
    this.text = text + source.slice(at);
    this.renderedLineStarts = lineStarts(this.text);
    this.sourceLineStarts = lineStarts(source);
  }

  /** Position in the `.sql` file of a 1-based line and column in the rendered text. */
  toSource(line: number, column: number): Position {
    const rendered = (this.renderedLineStarts[line - 1] ?? this.text.length) + column - 1;
    return positionOf(this.sourceLineStarts, this.sourceOffset(rendered));
  }

  /** The `.sql` file's text behind rendered offsets `start` to `stop` (inclusive), placeholders as written. */
  sourceText(start: number, stop: number): string {
    return this.source.slice(this.sourceOffset(start), this.sourceOffset(stop + 1));
  }

  private sourceOffset(rendered: number): number {
    let offset = rendered;
    for (const piece of this.pieces) {
      if (rendered < piece.renderedStart) break;
      // Inside a substituted literal: the placeholder's start.
      if (rendered < piece.renderedStart + piece.renderedLength) return piece.sourceStart;
      offset = rendered + piece.sourceStart + piece.sourceLength - (piece.renderedStart + piece.renderedLength);
    }
    return offset;
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function positionOf(starts: number[], offset: number): Position {
  let line = 0;
  while (line + 1 < starts.length && starts[line + 1]! <= offset) line++;
  return { line: line + 1, column: offset - starts[line]! + 1 };
}
