import type { PublicationView } from '../model.ts';

export const DRAFT_LABEL = 'Udkast – ikke godkendt';

/**
 * What a reader must know before reading any number: that a page is a draft nobody has
 * approved, or that a published report was corrected, when and why, with its earlier
 * revisions one click away. Shown at the top of the report and of every embed.
 */
export function PublicationNotice(props: { publication?: PublicationView; reportLink?: string }) {
  const p = props.publication;
  if (!p) return null;
  if (p.status === 'draft') {
    return (
      <div class="draft-banner" role="note">
        <p>
          <strong>{DRAFT_LABEL}.</strong> Tallene er ikke godkendt og må ikke bruges eller videregives.
          {p.wouldCorrect !== undefined && ` Kvartalet er allerede offentliggjort; godkendes udkastet, udgives det som rettelse (revision ${p.wouldCorrect}).`}
        </p>
      </div>
    );
  }
  if (!p.correction && p.earlier.length === 0) return null;
  return (
    <div class="correction" role="note">
      {p.correction && (
        <p>
          <strong>Rettet {p.correction.date}:</strong> {p.correction.reason}
        </p>
      )}
      {p.earlier.length > 0 &&
        (props.reportLink ? (
          <p>
            Tidligere udgaver findes i <a href={props.reportLink}>hele kvartalsrapporten</a>.
          </p>
        ) : (
          <p>
            Tidligere udgaver:{' '}
            {p.earlier.map((e, i) => (
              <span key={e.revision}>
                {i > 0 && ', '}
                <a href={e.href}>{e.text}</a>
              </span>
            ))}
            .
          </p>
        ))}
    </div>
  );
}
