import { relative } from 'node:path';
import { formatProblem } from '../contract/problems.ts';
import { DeliveryConflictError } from '../deliveries/localDelivery.ts';
import { InvalidManifestError, type DeliveryProblem } from '../deliveries/manifest.ts';
import { DeliveryNotFoundError } from '../deliveries/storedDeliveries.ts';
import { formatQuarter } from '../publish/format.ts';
import { PreviewNotFoundError, PublishedFileDamagedError, PublishedReportChangedError, type PreviewOutcome, type PublishOutcome } from '../publish/publish.ts';
import type { PipelineOutcome } from '../pipeline.ts';
import { LockLostError, StoreBusyError } from '../store/lock.ts';
import { LocalStore } from '../store/localStore.ts';
import { keys, type Store } from '../store/store.ts';
import { EXIT } from './exitCodes.ts';
import { UsageError } from '../usageError.ts';

/**
 * How `run` and `approve` tell data staff what happened: one Danish line per outcome on
 * stdout (the report's path, or how to approve a draft), problems on stderr, and the
 * documented exit code.
 */
export function reportOutcome(store: Store, outcome: PipelineOutcome | PublishOutcome | PreviewOutcome, storeArgs: string): number {
  const out = (text: string) => process.stdout.write(`${text}\n`);
  const err = (text: string) => process.stderr.write(`${text}\n`);
  switch (outcome.status) {
    case 'incomplete':
      printIncomplete(outcome.deliveryId, outcome.problems);
      return EXIT.deliveryIncomplete;
    case 'rejected':
      for (const report of outcome.rejected) {
        const kept = report.deliveryId ? `, filen er lagt i ${where(store, keys.quarantine(report.deliveryId, ''))}` : '';
        err(`\n${report.file}: ${report.totalProblems} problem(er)${kept}`);
        for (const problem of report.problems) err(`  ${formatProblem(problem)}`);
        if (report.totalProblems > report.problems.length) err(`  … og ${report.totalProblems - report.problems.length} flere (se ${report.file}.errors.json)`);
      }
      err(`\nLeveringen ${outcome.deliveryId} er afvist, og intet er udgivet. Ret filerne og lever igen.`);
      return EXIT.rejected;
    case 'not_covered':
      err(`\n${outcome.message}`);
      return EXIT.notCovered;
    case 'unchanged':
      out(`${capital(formatQuarter(outcome.quarter))} er allerede udgivet med de samme tal (revision ${outcome.revision}); intet er ændret.`);
      if (outcome.repaired.length > 0) out(`${outcome.repaired.length} ufuldstændige filer fra en afbrudt kørsel er skrevet igen.`);
      out(`Rapport: ${where(store, keys.report(outcome.quarter, 'index.html'))}`);
      return EXIT.ok;
    case 'published':
      out(
        outcome.corrected
          ? `${capital(formatQuarter(outcome.quarter))} er rettet: revision ${outcome.revision} er udgivet med rettelsesnoten, og revision ${outcome.revision - 1} er bevaret.`
          : `${capital(formatQuarter(outcome.quarter))} er udgivet (revision ${outcome.revision}).`,
      );
      out(`Rapport: ${where(store, keys.report(outcome.quarter, 'index.html'))}`);
      return EXIT.ok;
    case 'previewed': {
      out(`Udkast til ${formatQuarter(outcome.quarter)}: ${where(store, keys.preview(outcome.quarter, outcome.snapshot, 'index.html'))}`);
      const correction = outcome.wouldCorrect === undefined ? '' : ' --correction "<begrundelse>"';
      if (outcome.wouldCorrect !== undefined)
        out(`Kvartalet er allerede udgivet med andre tal; godkendes udkastet, udgives det som rettelse (revision ${outcome.wouldCorrect}).`);
      out(
        `Se det igennem, og godkend det med:\n  npx pejlemaerke approve --quarter ${outcome.quarter} --snapshot ${outcome.snapshot}${correction} ${storeArgs}`,
      );
      return EXIT.ok;
    }
  }
}

export function printIncomplete(deliveryId: string, problems: readonly DeliveryProblem[]): void {
  process.stderr.write(`\nLeveringen ${deliveryId} er ufuldstændig og er ikke indlæst:\n`);
  for (const p of problems) process.stderr.write(`  ${p.file}: ${p.message}\n`);
  process.stderr.write('Lever filerne igen, så de passer med manifest.json (manifestet skrives til sidst).\n');
}

/** The documented exit code and one Danish message for the errors a user can act on; undefined for bugs. */
export function exitCodeForError(error: unknown): number | undefined {
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof StoreBusyError || error instanceof LockLostError) return EXIT.busy;
  if (error instanceof PublishedReportChangedError) return EXIT.alreadyPublished;
  if (error instanceof InvalidManifestError || error instanceof DeliveryNotFoundError || error instanceof DeliveryConflictError) return EXIT.deliveryIncomplete;
  if (error instanceof PreviewNotFoundError) return EXIT.usage;
  if (error instanceof PublishedFileDamagedError) return EXIT.failure;
  return undefined;
}

/** `--out`/`--store` as the user should type them again, for the approval command. */
export function storeArgsText(args: { out?: string; store?: string; endpoint?: string }): string {
  if (args.store) return `--store ${args.store}${args.endpoint ? ` --endpoint ${args.endpoint}` : ''}`;
  return `--out ${args.out ?? 'out'}`;
}

function where(store: Store, key: string): string {
  if (!(store instanceof LocalStore)) return `${store.location}/${key}`;
  const path = store.pathOf(key);
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
