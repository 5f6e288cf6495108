import { formatQuarter } from '../format.ts';
import type { KpiView, ReportView } from '../model.ts';
import { Footer } from './Footer.tsx';
import { KpiSection, type KpiCharts } from './KpiSection.tsx';
import { Page } from './Page.tsx';
import { DRAFT_CSS } from './styles.ts';
import { DRAFT_LABEL, PublicationNotice } from './PublicationNotice.tsx';

/** One KPI as its own page (for an intranet or an agenda item), with the same footer and downloads. */
export function Embed(props: { report: ReportView; view: KpiView; charts: KpiCharts }) {
  const { report, view } = props;
  return (
    <Page
      title={`${report.publication?.status === 'draft' ? `${DRAFT_LABEL}: ` : ''}${view.title}, ${formatQuarter(report.quarter)} – ${report.municipality}`}
      css={report.publication?.status === 'draft' ? DRAFT_CSS : undefined}
    >
      <PublicationNotice publication={report.publication} reportLink="../index.html" />
      <main>
        <KpiSection view={view} charts={props.charts} level={1} />
      </main>
      <Footer report={report} dataPath="../data/" reportLink="../index.html" />
    </Page>
  );
}
