import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/**
 * The one place that finds and launches the headless browser used for the PDF and the browser
 * tests, so the CLI, Lambda and `npm test` agree:
 *
 * 1. `PEJLEMAERKE_CHROMIUM` when set (an explicit choice wins; it must exist);
 * 2. on Linux x64, the Chromium build inside the `@sparticuz/chromium` npm package, which
 *    unpacks itself to the temp folder on first use (~200 MB, ~1.5 s) and is reused after;
 * 3. else (a Mac, an ARM machine) the system `chromium` (`/usr/bin/chromium`, or
 *    `chromium`/`chromium-browser` on PATH).
 *
 * The npm build comes first even where the system has its own: it is the version the lock file
 * pins, so a laptop, CI and Lambda print the PDF with the same browser (a system Chromium is
 * whatever version the machine was last updated to), and it is Chromium's headless shell, not
 * the whole browser in a hidden window: it opens a page in ~0.13 s instead of ~0.32 s and closes
 * in ~0.03 s instead of ~0.1 s, about a third of publish's time on a machine with two cores.
 *
 * Flags: headless, no sandbox (containers and Lambda run as root without user namespaces), no
 * GPU, and nothing that talks to the network by itself (QUIC, background networking, component
 * updates, sync), so a render is offline and repeatable. Every launch gets a fresh, temporary
 * user-data-dir: Playwright makes one per `launch()` and deletes it on `close()` (and refuses a
 * `--user-data-dir` flag), so no profile state carries over between renders.
 *
 * Chromium's new headless mode is the whole browser in a window nobody sees, and at start it
 * renders the address bar's popup (chrome://omnibox-popup.top-chrome, two WebUI pages) in a
 * renderer process of its own: ~0.4 s of CPU per launch, as much as printing the report, on a
 * machine with two cores. `DISABLED_FEATURES` turns that off. Chromium honours only the last
 * `--disable-features` switch, so ours repeats Playwright's own list (it comes after it); a test
 * checks that the switch Chromium gets still names every feature Playwright disables.
 */

/** Playwright's own `--disable-features` list (playwright-core 1.65, chromiumSwitches.ts). */
export const PLAYWRIGHT_DISABLED_FEATURES: readonly string[] = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
  'msForceBrowserSignIn',
  'msEdgeUpdateLaunchServicesPreferredVersion',
];

/** Ours: the address bar's popups, rendered at start for a window nobody sees. */
export const DISABLED_FEATURES: readonly string[] = ['WebUIOmniboxPopup', 'WebUIOmniboxAimPopup'];

export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  `--disable-features=${[...PLAYWRIGHT_DISABLED_FEATURES, ...DISABLED_FEATURES].join(',')}`,
];

/** On Lambda the bundled build needs these too (its sandboxing and zygote need kernel features Lambda lacks). */
const LAMBDA_ARGS: readonly string[] = ['--no-zygote', '--single-process'];

export const SYSTEM_CHROMIUM_PATHS: readonly string[] = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
const PATH_NAMES = ['chromium', 'chromium-browser'];

export type ChromiumSource = 'env' | 'system' | 'sparticuz';

export interface ChromiumChoice {
  executablePath: string;
  source: ChromiumSource;
}

export interface FindOptions {
  /** Defaults to process.env; tests pass their own. */
  env?: NodeJS.ProcessEnv;
  /** Fixed places to look first; defaults to `SYSTEM_CHROMIUM_PATHS`. */
  systemPaths?: readonly string[];
  /** The machine, as `process` says; tests pass another. */
  host?: { platform: string; arch: string };
}

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The system's chromium, if any: fixed places first, then PATH. */
export async function systemChromium(options: FindOptions = {}): Promise<string | undefined> {
  const env = options.env ?? process.env;
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  const candidates = [...(options.systemPaths ?? SYSTEM_CHROMIUM_PATHS), ...dirs.flatMap((d) => PATH_NAMES.map((n) => join(d, n)))];
  for (const path of candidates) if (await executable(path)) return path;
  return undefined;
}

/** The Chromium bundled in `@sparticuz/chromium`, unpacked on first use. */
export async function bundledChromium(): Promise<string> {
  const { default: Sparticuz } = await import('@sparticuz/chromium');
  // WebGL is not needed for printing; without it the SwiftShader libraries are not unpacked.
  Sparticuz.setGraphicsMode = false;
  return Sparticuz.executablePath();
}

/** Where the npm package's build runs: it is a Linux x64 binary. */
export const BUNDLED_PLATFORM = { platform: 'linux', arch: 'x64' } as const;

export async function findChromium(options: FindOptions = {}): Promise<ChromiumChoice> {
  const env = options.env ?? process.env;
  const explicit = env.PEJLEMAERKE_CHROMIUM;
  if (explicit) {
    if (!(await executable(explicit))) throw new Error(`PEJLEMAERKE_CHROMIUM peger på ${explicit}, men der er ikke en browser, der kan startes.`);
    return { executablePath: explicit, source: 'env' };
  }
  const { platform, arch } = options.host ?? process;
  if (platform === BUNDLED_PLATFORM.platform && arch === BUNDLED_PLATFORM.arch) return { executablePath: await bundledChromium(), source: 'sparticuz' };
  const system = await systemChromium(options);
  if (system) return { executablePath: system, source: 'system' };
  throw new Error(
    `Der er ingen browser til PDF'en: npm-pakkens Chromium kører kun på Linux x64 (denne maskine er ${platform} ${arch}). ` +
      'Installér Chromium, eller peg på en med PEJLEMAERKE_CHROMIUM.',
  );
}

/** The flags for a choice: ours, plus the bundled build's own needs on Lambda. */
export function chromiumArgs(choice: ChromiumChoice, env: NodeJS.ProcessEnv = process.env): string[] {
  const lambda = choice.source === 'sparticuz' && env.AWS_LAMBDA_FUNCTION_NAME !== undefined;
  return [...CHROMIUM_ARGS, ...(lambda ? LAMBDA_ARGS : [])];
}

export interface LaunchOptions extends FindOptions {
  /** Skip the search and use this choice (tests use it to launch the bundled build). */
  choice?: ChromiumChoice;
}

/** Launches headless Chromium; close it when done (`withBrowser` does). */
export async function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  const choice = options.choice ?? (await findChromium(options));
  return chromium.launch({ executablePath: choice.executablePath, args: chromiumArgs(choice, options.env), headless: true });
}

/** Runs `work` with a browser that is closed afterwards, also when `work` fails. */
export async function withBrowser<T>(work: (browser: Browser) => Promise<T>, options: LaunchOptions = {}): Promise<T> {
  const browser = await launchBrowser(options);
  try {
    return await work(browser);
  } finally {
    await browser.close();
  }
}
