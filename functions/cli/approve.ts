import { Command } from 'commander';
import { quarterLabel } from '../calendar/quarter.ts';
import { publishDraft, readPreview } from '../publish/publish.ts';
import { withStoreLock } from '../store/lock.ts';
import type { Store } from '../store/store.ts';
import { EXIT } from './exitCodes.ts';
import { exitCodeForError, reportOutcome, storeArgsText } from './outcome.ts';
import { quarterArgument, readCommentary } from './run.ts';
import { UsageError } from '../usageError.ts';
import { addStoreOptions, openStore, type StoreArgs } from './storeOptions.ts';

interface ApproveArgs extends StoreArgs {
  quarter: number;
  snapshot?: string;
  correction?: string;
  commentary?: string;
}

/**
 * `pejlemaerke approve`: a person's approval of a preview. It publishes the preview's frozen
 * draft — the same bytes a direct run would have published — as the quarter's report, or as
 * a correction with `--correction`.
 */
export function approveCommand(): Command {
  const command = new Command('approve')
    .description('godkend et udkast (fra run --preview) og udgiv det som kvartalets rapport')
    .requiredOption('--quarter <kvartal>', 'kvartalet, fx 2017Q4 eller 2017K4', quarterArgument)
    .option('--snapshot <id>', 'udkastets datasæt (standard: udkastet fra den nyeste levering)')
    .option('--correction <begrundelse>', 'kvartalet er udgivet før: udgiv udkastet som rettelse med denne begrundelse')
    .option('--commentary <fil>', 'forvaltningens bemærkninger (Markdown) til udgivelsen; erstatter udkastets');
  return addStoreOptions(command).action(async (args: ApproveArgs, cmd: Command) => {
    cmd.setOptionValue('exitCode', await approve(args));
  });
}

export async function approve(args: ApproveArgs): Promise<number> {
  let store: Store;
  try {
    if (args.snapshot !== undefined && !/^[0-9a-f]{16}$/.test(args.snapshot))
      throw new UsageError('--snapshot er datasættets id: 16 tegn 0-9 og a-f, som run --preview skrev det');
    if (args.correction !== undefined && !args.correction.trim()) throw new UsageError('--correction skal have en begrundelse');
    store = await openStore(args);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return EXIT.usage;
  }
  const quarter = quarterLabel(args.quarter);
  try {
    return await withStoreLock(store, { purpose: `approve ${quarter}` }, async () => {
      const preview = await readPreview(store, quarter, args.snapshot);
      // The administration's words often come after the numbers were seen: they join the draft here.
      const commentary = args.commentary
        ? await readCommentary(
            args.commentary,
            preview.results.kpis.map((k) => k.id),
          )
        : undefined;
      const draft = commentary === undefined ? preview : { ...preview, commentary };
      const outcome = await publishDraft(store, draft, { correction: args.correction });
      return reportOutcome(store, outcome, storeArgsText(args));
    });
  } catch (error) {
    const code = exitCodeForError(error);
    if (code === undefined) throw error;
    process.stderr.write(`\n${(error as Error).message}\n`);
    return code;
  }
}
