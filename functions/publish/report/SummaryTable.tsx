import { formatQuarter } from '../format.ts';
import { changeHeaders } from '../changes.ts';
import type { ReportView } from '../model.ts';
import { Status } from './Status.tsx';
import { STATUS_TEXT, type GoalStatus } from '../goals.ts';

/** A change cell that may wrap between words, but never inside "pct.-point" (at its hyphen). */
function ChangeCell(props: { text: string }) {
  const [before, after] = props.text.split('pct.-point');
  return (
    <td class="text change">
      {after === undefined ? (
        props.text
      ) : (
        <>
          {before}
          <span class="unit">pct.-point</span>
          {after}
        </>
      )}
    </td>
  );
}

/** Every KPI on one table: goal, result, status, change. The KPI names link to their sections. */
export function SummaryTable(props: { report: ReportView }) {
  const quarter = formatQuarter(props.report.quarter);
  const withChanges = props.report.kpis.some((k) => k.changes);
  return (
    <table class="overview">
      <caption>Mål, resultat, status og ændring for hvert nøgletal i {quarter}</caption>
      <thead>
        <tr>
          <th scope="col">Nøgletal</th>
          <th scope="col">Mål</th>
          <th scope="col" class="num">
            Resultat
          </th>
          <th scope="col">Status</th>
          {withChanges &&
            changeHeaders(props.report.quarter).map((text) => (
              <th scope="col" key={text}>
                {text}
              </th>
            ))}
        </tr>
      </thead>
      <tbody>
        {props.report.kpis.map((k) => (
          <tr key={k.id}>
            <th scope="row">
              <a href={`#kpi-${k.id}`}>{k.title}</a>
            </th>
            <td class="text goal">{k.goalText}</td>
            <td>{k.valueText}</td>
            <td class="text">
              <Status status={k.status} label={k.statusLabel} symbol={k.statusSymbol} />
            </td>
            {withChanges && <ChangeCell text={k.changes?.previous.cell ?? '–'} />}
            {withChanges && <ChangeCell text={k.changes?.lastYear.cell ?? '–'} />}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Each status's meaning; its label and symbol come from STATUS_TEXT, like everywhere else. */
const LEGEND: [GoalStatus, (minCellSize: number) => string][] = [
  ['met', () => 'resultatet når målet for året.'],
  ['not_met', () => 'resultatet når ikke målet (endnu).'],
  [
    'on_track',
    () => 'for et årsmål, der opgøres år til dato: resultatet er mindst den del af årsmålet, som svarer til de kvartaler, der er gået, men året er ikke slut.',
  ],
  ['no_goal', () => 'der er ikke fastsat et mål for året.'],
  ['unknown', (n) => `tallet vises ikke af hensyn til diskretion: det bygger på under ${n} personer, eller et andet skjult tal ville ellers kunne regnes ud.`],
];

/** What the statuses mean, so no reader has to guess "På vej"; and how changes are read. */
export function StatusLegend(props: { minCellSize: number; changes?: boolean }) {
  return (
    <ul class="legend">
      {LEGEND.map(([status, meaning]) => (
        <li key={status}>
          <Status status={status} label={STATUS_TEXT[status].label} symbol={STATUS_TEXT[status].symbol} />: {meaning(props.minCellSize)}
        </li>
      ))}
      {props.changes && (
        <li>
          Ændring: forskellen mellem de viste tal (for andele i procentpoint, «pct.-point»). Et nøgletal, der opgøres år til dato, sammenlignes kun med samme
          kvartal året før. Er et af tallene skjult af hensyn til diskretion, vises ingen ændring.
        </li>
      )}
    </ul>
  );
}
