import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  chromiumArgs,
  CHROMIUM_ARGS,
  DISABLED_FEATURES,
  findChromium,
  launchBrowser,
  PLAYWRIGHT_DISABLED_FEATURES,
  withBrowser,
} from '../../functions/publish/browser.ts';

describe('finding and launching the browser', () => {
  it('uses the bundled build on Linux x64 even beside a system chromium, and the system one elsewhere', async () => {
    const linux = { platform: 'linux', arch: 'x64' };
    const bundled = await findChromium({ host: linux });
    expect(bundled.source).toBe('sparticuz');
    // A system chromium does not win: the lock file's build prints the PDF on every Linux x64 machine.
    expect(await findChromium({ host: linux, systemPaths: [process.execPath] })).toEqual(bundled);
    // A Mac or an ARM machine cannot run the bundled binary: the system's, else a Danish error.
    const mac = { platform: 'darwin', arch: 'arm64' };
    expect(await findChromium({ host: mac, systemPaths: [process.execPath], env: { PATH: '' } })).toEqual({
      executablePath: process.execPath,
      source: 'system',
    });
    await expect(findChromium({ host: mac, systemPaths: [], env: { PATH: '' } })).rejects.toThrow(
      'npm-pakkens Chromium kører kun på Linux x64 (denne maskine er darwin arm64)',
    );
  });

  it('launches the bundled build (what a machine without Debian chromium and Lambda use) and prints with it', async () => {
    const choice = await findChromium();
    expect(choice.source).toBe('sparticuz');
    const pdf = await withBrowser(
      async (browser) => {
        expect(browser.version()).toMatch(/^\d+\./);
        const page = await browser.newPage();
        await page.setContent('<html lang="da"><title>Prøve</title><body><h1>Æblegrød</h1></body></html>');
        return page.pdf({ width: '210mm', height: '297mm', tagged: true });
      },
      { choice },
    );
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('honours PEJLEMAERKE_CHROMIUM and says so in Danish when it is wrong', async () => {
    const bundled = (await findChromium()).executablePath;
    expect(await findChromium({ env: { PEJLEMAERKE_CHROMIUM: bundled } })).toEqual({ executablePath: bundled, source: 'env' });
    await expect(findChromium({ env: { PEJLEMAERKE_CHROMIUM: '/findes/ikke/chromium' } })).rejects.toThrow(
      'PEJLEMAERKE_CHROMIUM peger på /findes/ikke/chromium',
    );
  });

  it('passes the offline, sandbox-free flags, and the Lambda extras only to the bundled build on Lambda', async () => {
    expect(CHROMIUM_ARGS).toEqual([
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--disable-features=${[...PLAYWRIGHT_DISABLED_FEATURES, ...DISABLED_FEATURES].join(',')}`,
    ]);
    const lambda = { AWS_LAMBDA_FUNCTION_NAME: 'publish' };
    expect(chromiumArgs({ executablePath: '/tmp/chromium', source: 'sparticuz' }, lambda)).toEqual([...CHROMIUM_ARGS, '--no-zygote', '--single-process']);
    expect(chromiumArgs({ executablePath: '/tmp/chromium', source: 'sparticuz' }, {})).toEqual([...CHROMIUM_ARGS]);
    expect(chromiumArgs({ executablePath: '/usr/bin/chromium', source: 'system' }, lambda)).toEqual([...CHROMIUM_ARGS]);
    // Each launch has its own temporary profile (Playwright's), gone after close.
    const browser = await launchBrowser();
    const context = await browser.newContext();
    expect(await context.cookies()).toEqual([]);
    await browser.close();
  });

  it('keeps every feature Playwright disables and renders no address-bar popup nobody sees', async () => {
    const browser = await launchBrowser();
    try {
      // Chromium honours only the last --disable-features; Playwright's comes first, ours last.
      // The command line as the browser process got it (Linux /proc): the full Chromium and
      // the headless shell npm brings (no chrome://version page there) alike.
      const args = await browserCommandLine();
      const session = await browser.newBrowserCDPSession();
      const switches = args.flatMap((a) => (a.startsWith('--disable-features=') ? [a.slice('--disable-features='.length).split(',')] : []));
      expect(switches.length).toBeGreaterThanOrEqual(1);
      const effective = switches.at(-1)!;
      for (const list of switches) expect(effective).toEqual(expect.arrayContaining(list));
      expect(effective).toEqual(expect.arrayContaining([...DISABLED_FEATURES]));
      // The WebUI pages of the omnibox popup (chrome://omnibox-popup.top-chrome) are not there.
      const { targetInfos } = await session.send('Target.getTargets');
      expect(targetInfos.filter((t) => t.url.includes('omnibox'))).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

/** The arguments of the browser this process launched: its child started with Playwright's pipe. */
async function browserCommandLine(): Promise<string[]> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Field 4 (ppid) follows the command name in parentheses, which may itself contain spaces.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid !== process.pid) continue;
    const args = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0').filter(Boolean);
    if (args.includes('--remote-debugging-pipe')) return args;
  }
  throw new Error('the launched browser process was not found under /proc');
}
