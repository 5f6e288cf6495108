import { describe, expect, it } from 'vitest';
import { cidrRange, reportsRoutingCode } from '../../infra/reportsRouting.ts';

interface Request {
  uri: string;
}
type Response = { statusCode: number; headers?: Record<string, { value: string }> };

/** The generated CloudFront Function, run as source text exactly as CloudFront receives it. */
function routing(allowedCidrs: string[] = [], options: { closedWhenEmpty?: boolean } = {}): (uri: string, ip?: string) => Request | Response {
  const handler = new Function(`${reportsRoutingCode(allowedCidrs, options)}\nreturn handler;`)() as (event: unknown) => Request | Response;
  return (uri, ip = '198.51.100.7') => handler({ request: { uri, method: 'GET', headers: {} }, viewer: { ip } });
}

describe('reports routing', () => {
  const route = routing();

  it('serves index.html for /<quarter>/, its revisions and /latest/', () => {
    expect(route('/2017Q4/')).toMatchObject({ uri: '/2017Q4/index.html' });
    expect(route('/2017Q4/r2/')).toMatchObject({ uri: '/2017Q4/r2/index.html' });
    expect(route('/2017Q4/r2')).toMatchObject({ statusCode: 301, headers: { location: { value: '/2017Q4/r2/' } } });
    expect(route('/latest/')).toMatchObject({ uri: '/latest/index.html' });
    expect(route('/2017Q4/embed/flygtninge_job_foerste_aar/')).toMatchObject({ uri: '/2017Q4/embed/flygtninge_job_foerste_aar/index.html' });
  });

  it('adds the slash to a folder without one, so relative links resolve', () => {
    expect(route('/2017Q4')).toEqual({ statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: '/2017Q4/' } } });
  });

  it('shows every published quarter at the site root', () => {
    expect(route('/')).toMatchObject({ uri: '/index.html' });
  });

  it('leaves files alone', () => {
    expect(route('/2017Q4/charts/samarbejdsgrad.svg')).toMatchObject({ uri: '/2017Q4/charts/samarbejdsgrad.svg' });
    expect(route('/2017Q4/data/kpis.csv')).toMatchObject({ uri: '/2017Q4/data/kpis.csv' });
  });

  it('with an allow-list, answers 403 outside it and routes inside it', () => {
    const townHall = routing(['193.163.32.0/24', '10.20.0.0/16']);
    expect(townHall('/latest/', '193.163.32.0')).toMatchObject({ uri: '/latest/index.html' });
    expect(townHall('/latest/', '193.163.32.255')).toMatchObject({ uri: '/latest/index.html' });
    expect(townHall('/latest/', '10.20.255.1')).toMatchObject({ uri: '/latest/index.html' });
    expect(townHall('/latest/', '193.163.33.0')).toMatchObject({ statusCode: 403 });
    expect(townHall('/latest/', '193.163.31.255')).toMatchObject({ statusCode: 403 });
    expect(townHall('/latest/', '2001:db8::1')).toMatchObject({ statusCode: 403 });
    expect(townHall('/', '8.8.8.8')).toMatchObject({ statusCode: 403 });
  });
});

describe('previews routing', () => {
  it('is closed to everyone without an allow-list, and open only inside one', () => {
    const closed = routing([], { closedWhenEmpty: true });
    expect(closed('/previews/2017Q4/0123456789abcdef/', '193.163.32.7')).toMatchObject({ statusCode: 403 });
    const townHall = routing(['193.163.32.0/24'], { closedWhenEmpty: true });
    expect(townHall('/previews/2017Q4/0123456789abcdef/', '193.163.32.7')).toMatchObject({ uri: '/previews/2017Q4/0123456789abcdef/index.html' });
    expect(townHall('/previews/2017Q4/0123456789abcdef/', '8.8.8.8')).toMatchObject({ statusCode: 403 });
  });
});

describe('cidrRange', () => {
  it('gives the first and last address as numbers', () => {
    // 10.1.0.0 = 10·2^24 + 1·2^16 = 167837696; a /16 holds 65536 addresses.
    expect(cidrRange('10.1.2.3/16')).toEqual([167837696, 167903231]);
    expect(cidrRange('193.163.32.7/32')).toEqual([193 * 2 ** 24 + 163 * 2 ** 16 + 32 * 256 + 7, 193 * 2 ** 24 + 163 * 2 ** 16 + 32 * 256 + 7]);
    expect(cidrRange('0.0.0.0/0')).toEqual([0, 4294967295]);
  });

  it('rejects what is not an IPv4 CIDR', () => {
    expect(() => cidrRange('10.1.2/16')).toThrow(/not an IPv4 CIDR/);
    expect(() => cidrRange('10.1.2.300/16')).toThrow(/not an IPv4 CIDR/);
    expect(() => cidrRange('10.1.2.3/33')).toThrow(/not an IPv4 CIDR/);
  });
});
