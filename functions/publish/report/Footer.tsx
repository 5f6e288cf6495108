import { formatDateTime } from '../format.ts';
import type { ReportView } from '../model.ts';

/** Where the numbers come from and how to get them: snapshot, time, version, downloads. */
export function Footer(props: { report: ReportView; dataPath: string; reportLink?: string; packagePath?: string }) {
  const { report, dataPath } = props;
  return (
    <footer>
      <h2>Om tallene</h2>
      <p>
        Tal for under {report.minCellSize} personer vises ikke af hensyn til diskretion («under {report.minCellSize}»). Det gør tal heller ikke, hvis et andet
        skjult tal ellers ville kunne regnes ud, fx som forskellen til et tidligere kvartal («skjult»).
      </p>
      {report.comparisonNote && <p>{report.comparisonNote}</p>}
      <p>
        Tallene bygger på kommunens anonymiserede udtræk (datasæt {report.snapshot}). Rapporten er dannet {formatDateTime(report.generatedAt)} med Pejlemærke
        version {report.codeVersion}.
      </p>
      <p>
        Hent tallene:{' '}
        <a class="download" href={`${dataPath}kpis.csv`}>
          regneark (CSV)
        </a>{' '}
        eller{' '}
        <a class="download" href={`${dataPath}kpis.json`}>
          JSON
        </a>
        .
      </p>
      {props.packagePath !== undefined && (
        <p>
          Til dagsordenen:{' '}
          <a class="download" href={`${props.packagePath}rapport.pdf`}>
            rapporten som PDF
          </a>{' '}
          og{' '}
          <a class="download" href={`${props.packagePath}opfoelgningsnotat.docx`}>
            opfølgningsnotatet som Word
          </a>
          .
        </p>
      )}
      {props.reportLink && (
        <p>
          <a class="download" href={props.reportLink}>
            Hele kvartalsrapporten
          </a>
        </p>
      )}
    </footer>
  );
}
