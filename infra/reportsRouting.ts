/**
 * The CloudFront Function in front of the reports (viewer request, cloudfront-js-2.0):
 * a folder (`/<quarter>/`, `/<quarter>/r2/`, `/latest/`) serves its index.html, `/2017Q4`
 * gains its slash so relative links work, `/` is the list of every quarter, and an optional IPv4
 * allow-list answers 403 to everyone else. The previews' behaviour uses the same function with
 * `closedWhenEmpty`: no allow-list there means nobody. Generated as source text because
 * CloudFront runs it, not Node; the tests run the same text.
 */
export function reportsRoutingCode(allowedCidrs: readonly string[] = [], options: { closedWhenEmpty?: boolean } = {}): string {
  const networks = allowedCidrs.map(cidrRange);
  return `var NETWORKS = ${JSON.stringify(networks)};
var CLOSED_WHEN_EMPTY = ${options.closedWhenEmpty === true};

function ipv4(ip) {
  var parts = ip.split('.');
  if (parts.length !== 4) return -1;
  var value = 0;
  for (var i = 0; i < 4; i++) {
    var octet = Number(parts[i]);
    if (!(octet >= 0 && octet <= 255) || parts[i] === '') return -1;
    value = value * 256 + octet;
  }
  return value;
}

function allowed(ip) {
  if (NETWORKS.length === 0) return !CLOSED_WHEN_EMPTY;
  var value = ipv4(ip);
  if (value < 0) return false;
  for (var i = 0; i < NETWORKS.length; i++) {
    if (value >= NETWORKS[i][0] && value <= NETWORKS[i][1]) return true;
  }
  return false;
}

function handler(event) {
  var request = event.request;
  if (!allowed(event.viewer.ip)) {
    return { statusCode: 403, statusDescription: 'Forbidden' };
  }
  var uri = request.uri;
  if (uri === '/') {
    request.uri = '/index.html';
    return request;
  }
  if (uri.endsWith('/')) {
    request.uri = uri + 'index.html';
  } else if (uri.split('/').pop().indexOf('.') === -1) {
    return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: uri + '/' } } };
  }
  return request;
}
`;
}

/** An IPv4 CIDR as its first and last address (numbers; CloudFront's JS has no BigInt need). */
export function cidrRange(cidr: string): [number, number] {
  const [address, bitsText] = cidr.split('/');
  const octets = (address ?? '').split('.').map(Number);
  const bits = Number(bitsText);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255) || !Number.isInteger(bits) || bits < 0 || bits > 32) {
    throw new Error(`${cidr} is not an IPv4 CIDR block`);
  }
  const value = octets.reduce((sum, o) => sum * 256 + o, 0);
  const size = 2 ** (32 - bits);
  const first = Math.floor(value / size) * size;
  return [first, first + size - 1];
}
