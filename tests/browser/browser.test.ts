import { describe, expect, it } from 'vitest';
import { chromiumArgs, CHROMIUM_ARGS, findChromium, launchBrowser, systemChromium, withBrowser } from '../../functions/publish/browser.ts';

describe('finding and launching the browser', () => {
  it('uses the system chromium when there is one, else the bundled build', async () => {
    const system = await systemChromium();
    const choice = await findChromium();
    if (system) expect(choice).toEqual({ executablePath: system, source: 'system' });
    else expect(choice.source).toBe('sparticuz');
    // Hidden system browser: no fixed paths, empty PATH.
    const hidden = await findChromium({ systemPaths: [], env: { PATH: '' } });
    expect(hidden.source).toBe('sparticuz');
    expect(hidden.executablePath).not.toBe(system);
  });

  it('launches the bundled build (what a machine without Debian chromium and Lambda use) and prints with it', async () => {
    const choice = await findChromium({ systemPaths: [], env: { PATH: '' } });
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
    const system = await systemChromium();
    if (system) expect(await findChromium({ env: { PEJLEMAERKE_CHROMIUM: system } })).toEqual({ executablePath: system, source: 'env' });
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
});
