import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostKeyFingerprint, parseFingerprint } from '../../functions/deliveries/hostKey.ts';
import { formatSftpLocation, parseSftpUrl, SftpUrlError } from '../../functions/deliveries/sftpUrl.ts';
import { generateKey, sshKeygenFingerprint } from '../support/sshd.ts';

describe('sftp:// addresses', () => {
  it('read user, host, port and an absolute path', () => {
    expect(parseSftpUrl('sftp://pejlemaerke@sftp.kommune.dk:2222/udtraek/beskaeftigelse')).toEqual({
      user: 'pejlemaerke',
      host: 'sftp.kommune.dk',
      port: 2222,
      path: '/udtraek/beskaeftigelse',
    });
  });

  it('default to port 22 and drop a trailing slash', () => {
    expect(parseSftpUrl('sftp://data@10.0.0.5/udtraek/')).toEqual({ user: 'data', host: '10.0.0.5', port: 22, path: '/udtraek' });
    expect(parseSftpUrl('SFTP://data@10.0.0.5/').path).toBe('/');
  });

  it('percent-decode the user and each path segment', () => {
    expect(parseSftpUrl('sftp://s%C3%B8ren@h/Udtr%C3%A6k%20Q4/2026%2311')).toMatchObject({ user: 'søren', path: '/Udtræk Q4/2026#11' });
  });

  it('read a path under /~ and an empty path as relative to the login folder', () => {
    expect(parseSftpUrl('sftp://u@h/~/udtraek').path).toBe('udtraek');
    expect(parseSftpUrl('sftp://u@h/~').path).toBe('.');
    expect(parseSftpUrl('sftp://u@h').path).toBe('.');
  });

  it('take an IPv6 address in brackets', () => {
    expect(parseSftpUrl('sftp://u@[2001:db8::1]:2200/x')).toEqual({ user: 'u', host: '2001:db8::1', port: 2200, path: '/x' });
  });

  it.each([
    ['/udtraek', /ikke en sftp:\/\/-adresse/],
    ['https://u@h/x', /ikke en sftp:\/\/-adresse/],
    ['sftp://sftp.kommune.dk/udtraek', /brugernavnet mangler/],
    ['sftp://u:hemmelig@h/x', /adgangskode/],
    ['sftp://u@h:0/x', /porten skal være 1–65535/],
    ['sftp://u@h:70000/x', /kan ikke læses som en adresse|porten/],
    ['sftp://u@h/x?y=1', /må ikke have \? eller #/],
    ['sftp://u@h/x#y', /må ikke have \? eller #/],
    ['sftp://u@h_x/x', /ikke et værtsnavn/],
    ['sftp://u@h/a%2Fb', /%2F/],
    ['sftp://u@h/a%00b', /%00/],
    ['sftp://u@h/a%E6', /ugyldig %-kode/],
  ])('refuse %s with a Danish reason', (text, reason) => {
    expect(() => parseSftpUrl(text)).toThrow(SftpUrlError);
    expect(() => parseSftpUrl(text)).toThrow(reason);
  });

  it('format back to an address that parses to the same place', () => {
    for (const text of ['sftp://u@h/x', 'sftp://s%C3%B8ren@h:2222/Udtr%C3%A6k%20Q4', 'sftp://u@[::1]/~/a', 'sftp://u@h/~', 'sftp://u@h/']) {
      const location = parseSftpUrl(text);
      expect(parseSftpUrl(formatSftpLocation(location))).toEqual(location);
    }
    expect(formatSftpLocation(parseSftpUrl('sftp://u@h:22/x'))).toBe('sftp://u@h/x');
  });
});

describe('host key fingerprints', () => {
  it('are written as OpenSSH writes them: SHA256: and base64 without padding', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pejlemaerke-hostkey-'));
    try {
      await generateKey(join(dir, 'key'));
      const [, blob] = (await readFile(join(dir, 'key.pub'), 'utf8')).split(' ');
      expect(hostKeyFingerprint(Buffer.from(blob!, 'base64'))).toBe(await sshKeygenFingerprint(join(dir, 'key.pub')));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('are parsed from what a person pastes, padding and spaces tolerated', () => {
    const fingerprint = 'SHA256:IIf0ZD6LXx2VrRpAhvdwf+nCIvpTI52lklfeGxyY6L4';
    expect(parseFingerprint(fingerprint)).toBe(fingerprint);
    expect(parseFingerprint(` ${fingerprint}= `)).toBe(fingerprint);
    expect(parseFingerprint('IIf0ZD6LXx2VrRpAhvdwf+nCIvpTI52lklfeGxyY6L4')).toBeUndefined();
    expect(parseFingerprint('MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48')).toBeUndefined();
    expect(parseFingerprint('SHA256:tooShort')).toBeUndefined();
  });
});
