import { formatQuarter, formatSuppressed } from '../format.ts';
import type { BreakdownView, KpiView } from '../model.ts';
import { goalPhrase, sentence } from '../sentences.ts';
import { Chart } from './Chart.tsx';
import { CommentaryBox } from './Commentary.tsx';
import { Status } from './Status.tsx';
import type { SuppressionReason } from '../../compute/results.ts';

/** The SVG markup of one KPI's charts, ready to inline. */
export interface KpiCharts {
  trend: string;
  trendCaption: string;
  /** By breakdown (`sex`); absent when every group is hidden. */
  groups: Record<string, string>;
}

type Level = 1 | 2;

function Heading(props: { level: Level; id: string; text: string }) {
  return props.level === 1 ? <h1 id={props.id}>{props.text}</h1> : <h2 id={props.id}>{props.text}</h2>;
}

function SubHeading(props: { level: Level; text: string }) {
  return props.level === 1 ? <h2>{props.text}</h2> : <h3>{props.text}</h3>;
}

/** What the table's hidden cells mean: only the reasons the table has. */
function SuppressionNote(props: { n: number; rows: readonly { hiddenBecause?: SuppressionReason }[] }) {
  const reasons = new Set(props.rows.flatMap((r) => (r.hiddenBecause ? [r.hiddenBecause] : [])));
  return (
    <>
      {reasons.has('small') && (
        <p class="note">
          «{formatSuppressed(props.n, 'small')}»: tallet vises ikke af hensyn til diskretion, fordi det bygger på under {props.n} personer.
        </p>
      )}
      {reasons.has('complementary') && (
        <p class="note">
          «{formatSuppressed(props.n, 'complementary')}»: tallet vises ikke af hensyn til diskretion, fordi et andet skjult tal ellers ville kunne regnes ud, fx
          som forskellen til et tidligere kvartal eller til totalen.
        </p>
      )}
    </>
  );
}

/**
 * Under the chart: where the comparison lines come from and how their definition differs from
 * ours, or why there are none. One paragraph, in the note style.
 */
function ComparisonNote(props: { view: KpiView }) {
  const { citation, note, handMade, missing } = props.view.comparison;
  const text = [citation, note && sentence(note), missing, handMade].filter((t): t is string => t !== undefined).join(' ');
  return text ? <p class="note">{text}</p> : null;
}

function TrendTable(props: { view: KpiView }) {
  const { view } = props;
  const hasBasis = view.unit === 'share';
  // With each comparable municipality as its own column the table gets wide: smaller, so it fits the page.
  const columns = 3 + (hasBasis ? 1 : 0) + view.benchmarks.length;
  return (
    <>
      <table class={columns > 7 ? 'wide' : undefined}>
        <caption>
          Tallene bag grafen: {view.title}, {view.trendRows[0]?.label} – {view.trendRows[view.trendRows.length - 1]?.label}
        </caption>
        <thead>
          <tr>
            <th scope="col">Kvartal</th>
            <th scope="col">{view.municipality}</th>
            {hasBasis && <th scope="col">Antal</th>}
            {view.benchmarks.map((b) => (
              <th scope="col" key={b.area}>
                {b.name}
              </th>
            ))}
            <th scope="col">{view.result.year_to_date ? 'Mål år til dato' : 'Mål'}</th>
          </tr>
        </thead>
        <tbody>
          {view.trendRows.map((r) => (
            <tr key={r.quarter}>
              <th scope="row">{r.label}</th>
              <td>{r.value}</td>
              {hasBasis && <td>{r.basis}</td>}
              {r.benchmarks.map((b, i) => (
                <td key={view.benchmarks[i]!.area}>{b}</td>
              ))}
              <td>{r.goal}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {hasBasis && (
        <p class="note">
          Antal: personer, der opfylder målet, af alle i målgruppen{view.result.grain === 'month' ? ', lagt sammen over kvartalets tre måneder' : ''}.
        </p>
      )}
      <SuppressionNote n={view.minCellSize} rows={view.trendRows} />
    </>
  );
}

function GroupTable(props: { view: KpiView; breakdown: BreakdownView }) {
  const { view, breakdown } = props;
  const hasBasis = view.unit === 'share';
  return (
    <>
      <table class="compact">
        <caption>
          {breakdown.title} i {formatQuarter(view.quarter)}: {view.title}
        </caption>
        <thead>
          <tr>
            <th scope="col">Gruppe</th>
            <th scope="col">Resultat</th>
            {hasBasis && <th scope="col">Antal</th>}
          </tr>
        </thead>
        <tbody>
          {breakdown.rows.map((r) => (
            <tr key={r.group}>
              <th scope="row">{r.label}</th>
              <td>{r.value}</td>
              {hasBasis && <td>{r.basis}</td>}
            </tr>
          ))}
        </tbody>
      </table>
      <SuppressionNote n={view.minCellSize} rows={breakdown.rows} />
    </>
  );
}

function Goals(props: { view: KpiView }) {
  const { view } = props;
  if (view.goals.length === 0) {
    return (
      <p>
        Der er ikke fastsat et politisk mål for dette nøgletal{view.benchmarks.length > 0 ? '; det følges i stedet i forhold til sammenligningstallene' : ''}.
      </p>
    );
  }
  return (
    <ul class="goals">
      {view.goals.map((g, i) => (
        <li key={i}>
          <strong>
            {sentence(
              `${g.goal.year === undefined ? 'Mål uden årstal' : `Mål for ${g.goal.year}`}: ${goalPhrase(view.unit, g.comparison, g.goal.target)}${view.result.year_to_date ? ' for hele året' : ''}`,
            )}
          </strong>{' '}
          Kilde: {sentence(g.goal.source)}
          {g.goal.note ? ` ${g.goal.note}` : ''}
        </li>
      ))}
    </ul>
  );
}

/** One KPI: status, sentence, trend chart and table, breakdown, definition, goals and sources. */
export function KpiSection(props: { view: KpiView; charts: KpiCharts; level: Level }) {
  const { view, charts, level } = props;
  const d = view.definition;
  const headingId = `titel-${view.id}`;
  return (
    <section class="kpi" id={`kpi-${view.id}`} aria-labelledby={headingId}>
      <Heading level={level} id={headingId} text={view.title} />
      <dl class="keyfigures">
        <div>
          <dt>Resultat {formatQuarter(view.quarter)}</dt>
          <dd>{view.valueText}</dd>
        </div>
        <div>
          <dt>Mål</dt>
          <dd>{view.goalText}</dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>
            <Status status={view.status} label={view.statusLabel} symbol={view.statusSymbol} />
          </dd>
        </div>
      </dl>
      <p class="summary">{view.sentences.join(' ')}</p>
      {view.commentary && (
        <CommentaryBox section={view.commentary} id={`bemaerkninger-${view.id}`} title="Forvaltningens bemærkninger" level={level === 1 ? 2 : 3} />
      )}

      <SubHeading level={level} text="Udviklingen over to år" />
      <Chart svg={charts.trend} caption={charts.trendCaption} />
      <ComparisonNote view={view} />
      <TrendTable view={view} />

      {view.breakdowns.map((b) => (
        <div key={b.breakdown}>
          <SubHeading level={level} text={b.title} />
          {charts.groups[b.breakdown] && <Chart svg={charts.groups[b.breakdown]!} caption={`${b.title} i ${formatQuarter(view.quarter)}.`} />}
          <GroupTable view={view} breakdown={b} />
        </div>
      ))}

      <SubHeading level={level} text="Sådan opgøres tallet" />
      <dl class="definition">
        <dt>Hvad tallet viser</dt>
        <dd>
          {d.description}
          {view.result.grain === 'month' ? ' Kvartalets tal er gennemsnittet af de tre måneders andele.' : ''}
        </dd>
        <dt>{view.unit === 'share' ? 'Målgruppe' : 'Hvad der tælles'}</dt>
        <dd>{d.population}</dd>
        {d.numerator && (
          <>
            <dt>Tæller med som resultat</dt>
            <dd>{d.numerator}</dd>
          </>
        )}
        <dt>Kilde til nøgletallet</dt>
        <dd>{d.source}</dd>
      </dl>

      <SubHeading level={level} text="Mål og kilder" />
      <Goals view={view} />
    </section>
  );
}
