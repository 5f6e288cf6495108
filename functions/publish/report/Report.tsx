import { formatQuarter } from '../format.ts';
import { goalOverview, type ReportView } from '../model.ts';
import { CommentaryBox } from './Commentary.tsx';
import { Footer } from './Footer.tsx';
import { KpiSection, type KpiCharts } from './KpiSection.tsx';
import { Page } from './Page.tsx';
import { DRAFT_CSS } from './styles.ts';
import { DRAFT_LABEL, PublicationNotice } from './PublicationNotice.tsx';
import { StatusLegend, SummaryTable } from './SummaryTable.tsx';

/** The quarter's report: overview first, then one section per KPI, then where the numbers come from. */
export function Report(props: { report: ReportView; charts: ReadonlyMap<string, KpiCharts> }) {
  const { report } = props;
  const quarter = formatQuarter(report.quarter);
  return (
    <Page
      title={`${report.publication?.status === 'draft' ? `${DRAFT_LABEL}: ` : ''}Kvartalsopfølgning ${quarter} – ${report.municipality}`}
      css={report.publication?.status === 'draft' ? DRAFT_CSS : undefined}
    >
      <a class="skip" href="#indhold">
        Gå til indholdet
      </a>
      <PublicationNotice publication={report.publication} />
      <header>
        <p class="kicker">
          {report.municipality} · {report.committee}
        </p>
        <h1>Kvartalsopfølgning, {quarter}</h1>
        <p class="lead">
          Status på målene for beskæftigelses- og integrationsindsatsen: for hvert nøgletal resultatet i {quarter}, målet og udviklingen over de seneste to år.
        </p>
      </header>
      <main id="indhold">
        {report.commentary?.summary && (
          <section aria-labelledby="sammenfatning">
            <h2 id="sammenfatning">Sammenfatning</h2>
            <CommentaryBox section={report.commentary.summary} id="forvaltningens-sammenfatning" title="Forvaltningens sammenfatning" level={3} />
          </section>
        )}
        <section aria-labelledby="overblik">
          <h2 id="overblik">Overblik</h2>
          <p class="lead">{goalOverview(report).sentence}</p>
          <SummaryTable report={report} />
          <StatusLegend minCellSize={report.minCellSize} changes={report.kpis.some((k) => k.changes)} />
        </section>
        {report.kpis.map((k) => (
          <KpiSection key={k.id} view={k} charts={props.charts.get(k.id)!} level={2} />
        ))}
      </main>
      <Footer report={report} dataPath="data/" packagePath="" />
    </Page>
  );
}
