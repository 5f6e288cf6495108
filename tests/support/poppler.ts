import { execFileSync, spawnSync } from 'node:child_process';

/**
 * poppler's command-line tools (pdfinfo, pdftotext, pdffonts, pdfimages, pdftoppm), which the PDF
 * tests read the report's PDF with. npm cannot install them: a machine without them fails the
 * test with what to install, never skips it.
 */
export const POPPLER_MISSING = 'poppler-utils mangler (pdfinfo, pdftotext …): installér det med apt-get install poppler-utils for at køre PDF-testene.';

export function poppler(command: 'pdfinfo' | 'pdftotext' | 'pdffonts' | 'pdfimages' | 'pdftoppm', ...args: string[]): string {
  if (spawnSync(command, ['-v']).error) throw new Error(POPPLER_MISSING);
  return execFileSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
}
