import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { brotliDecompressSync } from 'node:zlib';
import { Resvg } from '@resvg/resvg-js';

/**
 * A chart's SVG (as render.ts makes it) as a PNG for Word, which cannot be trusted with SVG.
 *
 * Fonts: the SVG asks for the system sans-serif; on each machine that is a different font, and
 * the PNG (and so the note's bytes) would differ between a laptop, CI and Lambda. The PNG is
 * drawn with Open Sans (regular and bold) only, taken from the `@sparticuz/chromium` package
 * that is installed everywhere the pipeline runs (its `bin/fonts.tar.br`, pinned by the lock
 * file); system fonts are not loaded. The two files are unpacked once per package version to
 * the temp folder, as resvg reads fonts from files.
 */

export const CHART_FONT_FAMILY = 'Open Sans';
const WANTED = ['fonts/Open_Sans/OpenSans-Regular.ttf', 'fonts/Open_Sans/OpenSans-Bold.ttf'];

/** Files of a ustar archive by name (regular files only). */
export function untar(archive: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const field = (offset: number, length: number) =>
    archive
      .subarray(offset, offset + length)
      .toString('utf8')
      .replace(/\0.*$/s, '');
  for (let offset = 0; offset + 512 <= archive.length; ) {
    const name = field(offset, 100);
    if (name === '') break;
    const size = Number.parseInt(field(offset + 124, 12).trim() || '0', 8);
    const prefix = field(offset + 345, 155);
    const type = field(offset + 156, 1);
    if (type === '0' || type === '') files.set(prefix ? `${prefix}/${name}` : name, archive.subarray(offset + 512, offset + 512 + size));
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

let fontFiles: Promise<string[]> | undefined;

async function unpackFonts(): Promise<string[]> {
  const entry = createRequire(import.meta.url).resolve('@sparticuz/chromium');
  // build/cjs/index.cjs → the package folder.
  const archivePath = join(dirname(entry), '..', '..', 'bin', 'fonts.tar.br');
  const archive = await readFile(archivePath);
  const dir = join(tmpdir(), `pejlemaerke-fonts-${createHash('sha256').update(archive).digest('hex').slice(0, 12)}`);
  const paths = WANTED.map((name) => join(dir, name.split('/').pop()!));
  if (paths.every((p) => existsSync(p))) return paths;
  const files = untar(brotliDecompressSync(archive));
  await mkdir(dir, { recursive: true });
  for (const [i, name] of WANTED.entries()) {
    const data = files.get(name);
    if (!data) throw new Error(`${archivePath} har ikke ${name}; kan ikke tegne graferne til notatet`);
    // Written beside and renamed, so a concurrent run never reads half a font.
    const partial = `${paths[i]}.${process.pid}.tmp`;
    await writeFile(partial, data);
    await rename(partial, paths[i]!);
  }
  return paths;
}

/** The font files the PNGs are drawn with (unpacked on first use). */
export function chartFontFiles(): Promise<string[]> {
  fontFiles ??= unpackFonts().catch((error: unknown) => {
    fontFiles = undefined;
    throw error;
  });
  return fontFiles;
}

export interface ChartPng {
  png: Buffer;
  /** The chart's size in CSS pixels (the SVG's width and height), to place it at in the document. */
  width: number;
  height: number;
}

/** An inline SVG (no xmlns, as the report embeds it) made standalone, so an XML parser sees SVG. */
export function standaloneSvg(svg: string): string {
  const markup = svg.replace(/^<\?xml[^>]*>\s*/, '');
  return /^<svg[^>]*\sxmlns=/.test(markup) ? markup : markup.replace(/^<svg/, '<svg xmlns="http://www.w3.org/2000/svg"');
}

/** SVG → PNG at `scale` × its size (2: sharp when printed at the document's size), white background. */
export async function svgToPng(svg: string, scale = 2): Promise<ChartPng> {
  const markup = standaloneSvg(svg);
  const size = /^<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(markup);
  if (!size) throw new Error('Grafens SVG har ikke en bredde og højde');
  const resvg = new Resvg(markup, {
    font: { loadSystemFonts: false, fontFiles: await chartFontFiles(), defaultFontFamily: CHART_FONT_FAMILY, sansSerifFamily: CHART_FONT_FAMILY },
    fitTo: { mode: 'zoom', value: scale },
    background: '#ffffff',
    logLevel: 'off',
  });
  return { png: resvg.render().asPng(), width: Number(size[1]), height: Number(size[2]) };
}
