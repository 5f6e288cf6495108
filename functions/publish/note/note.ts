import {
  AlignmentType,
  BorderStyle,
  ConcreteHyperlink,
  Document,
  Footer,
  HeadingLevel,
  ImageRun,
  Packer,
  PageNumber,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type ParagraphChild,
} from 'docx';
import { changeHeaders } from '../changes.ts';
import type { CommentaryBlock, CommentarySection } from '../commentary.ts';
import { formatDateTime, formatQuarter } from '../format.ts';
import { goalOverview, type KpiView, type ReportView } from '../model.ts';
import { svgToPng, type ChartPng } from './chartImage.ts';
import { fixZipTimes } from './zip.ts';

/**
 * The follow-up note ("opfølgningsnotat") as the committee receives it in the agenda system:
 * a Word document built from the same ReportView as the report, so every number and sentence
 * is the report's.
 *
 * Title, committee and quarter; a summary (how many goals are met, and the administration's
 * summary); the overview table (goal, result, status, change) with a header row that repeats
 * on every page; one section per KPI with its status sentence, the trend chart (PNG, alt text
 * = the chart's text alternative), the administration's commentary and the definition in one
 * line; and the link to the whole report. Real Word headings (Title, Heading 1–3), Danish
 * (da-DK) as the document language.
 *
 * The same input gives the same bytes: docx stamps core.xml with the clock and the zip entries
 * with the clock, and names hyperlink relationships and drawing ids at random or by a counter
 * that runs across documents. Here core.xml is written from `generatedAt`, the zip times are set
 * to it (zip.ts), the hyperlink relationship has a fixed id, and each chart its own drawing id.
 */

export interface NoteOptions {
  report: ReportView;
  /** The trend chart's SVG per KPI id: the inline markup of KpiCharts.trend or charts/<kpi>.svg. */
  trendSvg: ReadonlyMap<string, string>;
  /** The report's address, e.g. https://…/2017Q4/ (the note links to it). */
  reportUrl: string;
  /** E.g. "Udkast – ikke godkendt": at the top and in every page's footer. */
  draftNotice?: string;
}

/** The text width of an A4 page with 2,5 cm margins, in CSS pixels (96 per inch): 16 cm. */
const TEXT_WIDTH_PX = 605;
const TWIPS_PER_CM = 567;
const FONT = 'Calibri';
const MUTED = '4D4D4D';
const STATUS_COLOURS: Record<string, string> = { met: '1B6E36', not_met: 'A4262C', on_track: '7A4F00', no_goal: '4D4D4D', unknown: '4D4D4D' };
/** The one external link's relationship id: fixed, so the bytes do not change (docx would draw one at random). */
const REPORT_LINK_ID = 'ReportLink';

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** docProps/core.xml with the report's time as created and modified (docx would write the clock's). */
export function coreXml(options: { title: string; subject: string; creator: string; description: string; generatedAt: string }): string {
  const when = new Date(options.generatedAt);
  if (Number.isNaN(when.getTime())) throw new Error(`Ugyldigt tidspunkt: ${options.generatedAt}`);
  const w3c = when.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" ' +
    'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<dc:title>${escapeXml(options.title)}</dc:title><dc:subject>${escapeXml(options.subject)}</dc:subject>` +
    `<dc:creator>${escapeXml(options.creator)}</dc:creator><dc:description>${escapeXml(options.description)}</dc:description>` +
    `<dc:language>da-DK</dc:language><cp:lastModifiedBy>${escapeXml(options.creator)}</cp:lastModifiedBy><cp:revision>1</cp:revision>` +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${w3c}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${w3c}</dcterms:modified>` +
    '</cp:coreProperties>'
  );
}

const text = (value: string, options: { bold?: boolean; italics?: boolean; color?: string; size?: number } = {}) => new TextRun({ text: value, ...options });

function paragraph(children: ParagraphChild[] | string, options: { spacingAfter?: number; keepNext?: boolean } = {}): Paragraph {
  return new Paragraph({
    children: typeof children === 'string' ? [text(children)] : children,
    spacing: { after: options.spacingAfter ?? 120 },
    keepNext: options.keepNext,
  });
}

function heading(level: 1 | 2 | 3 | 4, value: string): Paragraph {
  const levels = { 1: HeadingLevel.HEADING_1, 2: HeadingLevel.HEADING_2, 3: HeadingLevel.HEADING_3, 4: HeadingLevel.HEADING_4 };
  return new Paragraph({ heading: levels[level], children: [text(value)], keepNext: true });
}

/** The report link: a real hyperlink (relationship) with the address as its text. */
function reportLink(url: string): ParagraphChild {
  // ConcreteHyperlink is what docx's ExternalHyperlink becomes when written, minus the random id.
  return new ConcreteHyperlink([new TextRun({ text: url, style: 'Hyperlink' })], REPORT_LINK_ID) as unknown as ParagraphChild;
}

function cell(children: ParagraphChild[] | string, options: { header?: boolean; width: number; align?: 'left' | 'right' } = { width: 1 }): TableCell {
  const runs = typeof children === 'string' ? [text(children, { bold: options.header, size: 18 })] : children;
  return new TableCell({
    children: [new Paragraph({ children: runs, alignment: options.align === 'right' ? AlignmentType.RIGHT : AlignmentType.LEFT })],
    width: { size: options.width, type: WidthType.DXA },
    margins: { top: 40, bottom: 40, left: 80, right: 80 },
    ...(options.header ? { shading: { type: ShadingType.CLEAR, fill: 'F3F5F8', color: 'auto' } } : {}),
  });
}

function statusRuns(view: KpiView, size?: number): ParagraphChild[] {
  return [text(`${view.statusSymbol} ${view.statusLabel}`, { bold: true, color: STATUS_COLOURS[view.status], size })];
}

/** The overview: one row per KPI, the header row repeated on every page, rows never split. */
function overviewTable(report: ReportView): Table {
  const [sincePrevious, sinceLastYear] = changeHeaders(report.quarter);
  const widths = [2700, 1750, 1000, 1250, 1185, 1185].map((w) => Math.round((w * 16 * TWIPS_PER_CM) / 9070));
  const headers = ['Nøgletal', 'Mål', 'Resultat', 'Status', sincePrevious, sinceLastYear];
  const header = new TableRow({
    tableHeader: true,
    cantSplit: true,
    children: headers.map((h, i) => cell(h, { header: true, width: widths[i]!, align: i === 2 ? 'right' : 'left' })),
  });
  const rows = report.kpis.map(
    (k) =>
      new TableRow({
        cantSplit: true,
        children: [
          cell([text(k.title, { bold: true, size: 18 })], { width: widths[0]! }),
          cell([text(k.goalText, { size: 18 })], { width: widths[1]! }),
          cell([text(k.valueText, { size: 18 })], { width: widths[2]!, align: 'right' }),
          cell(statusRuns(k, 18), { width: widths[3]! }),
          cell([text(k.changes?.previous.cell ?? '–', { size: 18 })], { width: widths[4]! }),
          cell([text(k.changes?.lastYear.cell ?? '–', { size: 18 })], { width: widths[5]! }),
        ],
      }),
  );
  const line = { style: BorderStyle.SINGLE, size: 4, color: 'C8C8C8' };
  return new Table({
    rows: [header, ...rows],
    width: { size: widths.reduce((a, b) => a + b, 0), type: WidthType.DXA },
    columnWidths: widths,
    borders: {
      top: line,
      bottom: line,
      left: { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' },
      right: { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' },
      insideHorizontal: line,
      insideVertical: { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' },
    },
  });
}

/** The administration's text as paragraphs: it is theirs, so it gets its own heading and a byline. */
function commentaryParagraphs(section: CommentarySection, title: string): Paragraph[] {
  const block = (b: CommentaryBlock): Paragraph => {
    switch (b.kind) {
      case 'heading':
        return heading(4, b.text);
      case 'bullet':
        return new Paragraph({ children: [text(b.text)], bullet: { level: 0 }, spacing: { after: 60 } });
      case 'numbered':
        return new Paragraph({ children: [text(`${b.number}. ${b.text}`)], indent: { left: 360, hanging: 360 }, spacing: { after: 60 } });
      case 'quote':
        return new Paragraph({ children: [text(b.text, { italics: true })], indent: { left: 360 }, spacing: { after: 120 } });
      case 'code':
        return new Paragraph({ children: [new TextRun({ text: b.text, font: 'Consolas' })], spacing: { after: 120 } });
      case 'paragraph':
        return paragraph(b.text);
    }
  };
  return [
    heading(3, title),
    paragraph([text('Skrevet af forvaltningen. Tallene, status og teksten ovenfor er dannet direkte ud fra data.', { italics: true, color: MUTED, size: 18 })]),
    ...section.blocks.map(block),
  ];
}

function chartParagraphs(view: KpiView, chart: ChartPng, drawingId: number): Paragraph[] {
  const width = Math.min(chart.width, TEXT_WIDTH_PX);
  const height = Math.round((chart.height * width) / chart.width);
  return [
    new Paragraph({
      keepNext: true,
      children: [
        new ImageRun({
          type: 'png',
          data: chart.png,
          transformation: { width, height },
          altText: { id: String(drawingId), name: `Graf ${drawingId}`, title: view.chartTitle, description: view.chartDescription },
        }),
      ],
    }),
    paragraph([text(`${view.chartTitle}.`, { italics: true, color: MUTED, size: 18 })]),
  ];
}

/** The report's line under the chart: the comparison's source and definition note, or why there is none. */
function comparisonParagraphs(view: KpiView): Paragraph[] {
  const { citation, note, handMade, missing } = view.comparison;
  const line = [citation, note && (note.endsWith('.') ? note : `${note}.`), missing, handMade].filter((t): t is string => t !== undefined).join(' ');
  return line ? [paragraph([new TextRun({ text: line, color: MUTED, size: 18 })])] : [];
}

function kpiParagraphs(view: KpiView, chart: ChartPng | undefined, drawingId: number): Paragraph[] {
  const quarter = formatQuarter(view.quarter);
  return [
    heading(2, view.title),
    paragraph([
      text(`Resultat ${quarter}: `, { color: MUTED }),
      text(view.valueText, { bold: true }),
      text('   Mål: ', { color: MUTED }),
      text(view.goalText, { bold: true }),
      text('   Status: ', { color: MUTED }),
      ...statusRuns(view),
    ]),
    paragraph(view.sentences.join(' ')),
    ...(chart ? chartParagraphs(view, chart, drawingId) : []),
    ...comparisonParagraphs(view),
    ...(view.commentary ? commentaryParagraphs(view.commentary, 'Forvaltningens bemærkninger') : []),
    paragraph([text('Sådan opgøres tallet: ', { bold: true }), text(view.definition.description)], { spacingAfter: 240 }),
  ];
}

/** Builds opfoelgningsnotat.docx (see the module comment). */
export async function buildNote(options: NoteOptions): Promise<Buffer> {
  const { report } = options;
  const quarter = formatQuarter(report.quarter);
  const title = `Opfølgning på beskæftigelsesmålene, ${quarter}`;
  const charts = new Map<string, ChartPng>();
  for (const view of report.kpis) {
    const svg = options.trendSvg.get(view.id);
    if (svg) charts.set(view.id, await svgToPng(svg));
  }
  const draft = options.draftNotice;
  const overview = goalOverview(report);

  const body: (Paragraph | Table)[] = [
    ...(draft ? [paragraph([text(draft, { bold: true, color: 'A4262C', size: 28 })])] : []),
    new Paragraph({ heading: HeadingLevel.TITLE, children: [text(title)] }),
    paragraph([text(`${report.municipality} · ${report.committee}`, { color: MUTED })]),
    paragraph(
      `Notatet følger op på målene for beskæftigelses- og integrationsindsatsen i ${quarter}: for hvert nøgletal resultatet, målet, udviklingen og forvaltningens bemærkninger.`,
    ),
    paragraph([text('Hele rapporten med grafer og tabeller: '), reportLink(options.reportUrl)]),

    heading(1, 'Sammenfatning'),
    paragraph([text(overview.sentence, { bold: true })]),
    ...(report.commentary?.summary ? commentaryParagraphs(report.commentary.summary, 'Forvaltningens sammenfatning') : []),

    heading(1, 'Overblik'),
    paragraph(`Mål, resultat, status og ændring for hvert nøgletal i ${quarter}.`, { keepNext: true }),
    overviewTable(report),
    paragraph([
      text(
        'Ændring: forskellen mellem de viste tal (for andele i procentpoint, «pct.-point»). Et nøgletal, der opgøres år til dato, sammenlignes kun med samme kvartal året før. Er et af tallene skjult af hensyn til diskretion, vises ingen ændring.',
        { color: MUTED, size: 18 },
      ),
    ]),

    heading(1, 'Nøgletallene'),
    ...report.kpis.flatMap((view, i) => kpiParagraphs(view, charts.get(view.id), i + 1)),

    heading(1, 'Om tallene'),
    paragraph(
      `Tal for under ${report.minCellSize} personer vises ikke af hensyn til diskretion («under ${report.minCellSize}»). Det gør tal heller ikke, hvis et andet skjult tal ellers ville kunne regnes ud, fx som forskellen til et tidligere kvartal («skjult»).`,
    ),
    ...(report.comparisonNote ? [paragraph(report.comparisonNote)] : []),
    paragraph(
      `Tallene bygger på kommunens anonymiserede udtræk (datasæt ${report.snapshot}). Notatet er dannet ${formatDateTime(report.generatedAt)} med Pejlemærke version ${report.codeVersion}, fra de samme tal som rapporten.`,
    ),
  ];

  const footer = `${draft ? `${draft} · ` : ''}${report.municipality} · ${quarter} · datasæt ${report.snapshot} · side `;
  const doc = new Document({
    title,
    creator: 'Pejlemærke',
    description: `${report.municipality}, ${report.committee}`,
    styles: {
      default: {
        document: { run: { font: FONT, size: 22, language: { value: 'da-DK' } } },
        title: { run: { font: FONT, size: 40, bold: true, color: '1F4E79' }, paragraph: { spacing: { after: 120 } } },
        heading1: { run: { font: FONT, size: 30, bold: true, color: '1F4E79' }, paragraph: { spacing: { before: 360, after: 120 } } },
        heading2: { run: { font: FONT, size: 26, bold: true, color: '1F4E79' }, paragraph: { spacing: { before: 300, after: 100 } } },
        heading3: { run: { font: FONT, size: 22, bold: true, color: '1A1A1A' }, paragraph: { spacing: { before: 200, after: 60 } } },
        heading4: { run: { font: FONT, size: 22, bold: true, italics: false, color: '1A1A1A' }, paragraph: { spacing: { before: 120, after: 40 } } },
      },
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: Math.round(21 * TWIPS_PER_CM), height: Math.round(29.7 * TWIPS_PER_CM) },
            margin: {
              top: Math.round(2.5 * TWIPS_PER_CM),
              bottom: Math.round(2.5 * TWIPS_PER_CM),
              left: Math.round(2.5 * TWIPS_PER_CM),
              right: Math.round(2.5 * TWIPS_PER_CM),
            },
          },
        },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({ children: [new TextRun({ children: [footer, PageNumber.CURRENT, ' af ', PageNumber.TOTAL_PAGES], size: 16, color: MUTED })] }),
            ],
          }),
        },
        children: body,
      },
    ],
  });
  doc.Document.Relationships.addRelationship(
    REPORT_LINK_ID,
    'http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink',
    options.reportUrl,
    'External',
  );

  const core = coreXml({
    title,
    subject: `Kvartalsopfølgning ${quarter}`,
    creator: 'Pejlemærke',
    description: `${report.municipality}, ${report.committee}`,
    generatedAt: report.generatedAt,
  });
  const packed = await Packer.toBuffer(doc, false, [{ path: 'docProps/core.xml', data: core }]);
  return fixZipTimes(packed, report.generatedAt);
}
