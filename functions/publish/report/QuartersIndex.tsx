import type { QuarterEntry, QuartersIndexView } from '../quartersIndex.ts';
import { Page } from './Page.tsx';
import { INDEX_CSS } from './styles.ts';

/** Words a screen reader needs to tell the links of one quarter from another's, hidden on screen. */
function Hidden(props: { text: string }) {
  return <span class="visually-hidden">{props.text}</span>;
}

function Quarter(props: { entry: QuarterEntry; newest: boolean }) {
  const { entry } = props;
  const of = ` for ${entry.title}`;
  return (
    <section class="quarter" aria-labelledby={entry.id}>
      <h2 id={entry.id}>
        {entry.title}
        {props.newest && <span class="tag">Nyeste</span>}
      </h2>
      <p class="note">
        {entry.current.description} · datasæt {entry.current.snapshot}
      </p>
      <ul class="downloads">
        <li>
          <a href={entry.links.report}>
            Rapporten
            <Hidden text={of} />
          </a>{' '}
          – med grafer og tabeller
        </li>
        <li>
          <a href={entry.links.pdf}>
            Rapporten som PDF
            <Hidden text={of} />
          </a>{' '}
          – til dagsordenen og til print
        </li>
        <li>
          <a href={entry.links.note}>
            Opfølgningsnotatet (Word)
            <Hidden text={of} />
          </a>
        </li>
        <li>
          Tallene
          <Hidden text={of} />:{' '}
          <a href={entry.links.csv}>
            regneark (CSV)
            <Hidden text={of} />
          </a>{' '}
          eller{' '}
          <a href={entry.links.json}>
            JSON
            <Hidden text={of} />
          </a>
        </li>
      </ul>
      {entry.revisions.length > 1 && (
        <>
          <h3>Udgaver af {entry.title}</h3>
          <ul class="revisions">
            {entry.revisions.map((r) => (
              <li key={r.number}>
                <a href={r.href}>
                  {r.label}
                  <Hidden text={of} />
                </a>
                {r.current ? ' (den gældende)' : ''}: {r.description}.
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** reports/index.html: every published quarter, newest first, with its report, PDF, note, data and revisions. */
export function QuartersIndex(props: { view: QuartersIndexView }) {
  const { view } = props;
  return (
    <Page title={`Kvartalsopfølgninger – ${view.municipality}`} css={INDEX_CSS}>
      <a class="skip" href="#indhold">
        Gå til indholdet
      </a>
      <header>
        <p class="kicker">
          {view.municipality} · {view.committee}
        </p>
        <h1>Kvartalsopfølgninger</h1>
        <p class="lead">
          Opfølgningen på målene for beskæftigelses- og integrationsindsatsen, kvartal for kvartal. Det nyeste kvartal står først. Er en rapport blevet rettet,
          står det ved kvartalet, og de tidligere udgaver kan stadig læses.
        </p>
      </header>
      <main id="indhold">
        {view.quarters.length === 0 ? (
          <p>Der er ikke offentliggjort nogen kvartalsrapporter endnu.</p>
        ) : (
          view.quarters.map((q, i) => <Quarter key={q.quarter} entry={q} newest={i === 0} />)
        )}
      </main>
    </Page>
  );
}
