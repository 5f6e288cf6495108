/**
 * Where deliveries are fetched from: `sftp://USER@HOST[:PORT]/PATH`, as given to `pull --from`.
 * The path follows curl's reading of sftp URLs: `/data/udtraek` is absolute on the server (inside
 * the user's chroot, if any), `/~/udtraek` and an empty path are relative to the login folder.
 */
export interface SftpLocation {
  user: string;
  /** Host name or IP address; an IPv6 address without its brackets. */
  host: string;
  port: number;
  /** The folder on the server, percent-decoded: absolute (`/udtraek`) or relative (`.`, `udtraek`). */
  path: string;
}

export const DEFAULT_SFTP_PORT = 22;

/** A `--from` value that cannot be used; the message is Danish and says what to write. */
export class SftpUrlError extends Error {
  override readonly name = 'SftpUrlError';
}

const EXAMPLE = 'skriv fx sftp://pejlemaerke@sftp.kommune.dk/udtraek';
/** RFC 1123 host names and IPv4 addresses; IPv6 comes bracketed and is checked by URL itself. */
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV6 = /^\[[0-9A-Fa-f:.]+\]$/;

/** A host name, an IPv4 address or a bare IPv6 address, as a config file gives it. */
export function isSftpHost(text: string): boolean {
  return HOST_NAME.test(text) || IPV6.test(`[${text}]`);
}

export function parseSftpUrl(text: string): SftpLocation {
  const trimmed = text.trim();
  if (!/^sftp:\/\//i.test(trimmed)) throw new SftpUrlError(`"${text}" er ikke en sftp://-adresse: ${EXAMPLE}`);
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new SftpUrlError(`"${text}" kan ikke læses som en adresse: ${EXAMPLE}`);
  }
  // A password in the address would end up in shell history and process lists: keys only.
  if (url.password) throw new SftpUrlError('skriv ikke en adgangskode i adressen: pull logger ind med en privat nøgle (--identity)');
  if (!url.username) throw new SftpUrlError(`brugernavnet mangler i "${text}": ${EXAMPLE}`);
  if (url.search || url.hash) throw new SftpUrlError(`"${text}" må ikke have ? eller # (skriv %3F og %23 i et mappenavn)`);
  if (!HOST_NAME.test(url.hostname) && !IPV6.test(url.hostname)) throw new SftpUrlError(`"${url.hostname}" er ikke et værtsnavn eller en IP-adresse`);

  const port = url.port === '' ? DEFAULT_SFTP_PORT : Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new SftpUrlError(`porten skal være 1–65535, ikke ${url.port}`);

  return { user: decode(url.username, 'brugernavnet'), host: url.hostname.replace(/^\[|\]$/g, ''), port, path: remotePath(url.pathname) };
}

function decode(text: string, what: string): string {
  let value: string;
  try {
    value = decodeURIComponent(text);
  } catch {
    throw new SftpUrlError(`${what} har en ugyldig %-kode: ${text}`);
  }
  if (value.includes('\0')) throw new SftpUrlError(`${what} må ikke indeholde %00`);
  return value;
}

/** The URL's path as the SFTP server reads it; a segment may not decode to a `/`. */
function remotePath(pathname: string): string {
  if (pathname === '') return '.';
  const segments = pathname
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => {
      const value = decode(segment, 'stien');
      if (value.includes('/')) throw new SftpUrlError(`et mappenavn i stien må ikke indeholde %2F: ${segment}`);
      return value;
    });
  if (segments[0] === '~') return segments.length === 1 ? '.' : segments.slice(1).join('/');
  return `/${segments.join('/')}`;
}

/** The location back as an address, for messages (`sftp://user@host:2222/udtraek`). */
export function formatSftpLocation(location: SftpLocation): string {
  const host = location.host.includes(':') ? `[${location.host}]` : location.host;
  const port = location.port === DEFAULT_SFTP_PORT ? '' : `:${location.port}`;
  const path = location.path.startsWith('/') ? location.path : location.path === '.' ? '/~' : `/~/${location.path}`;
  const encoded =
    path === '/'
      ? '/'
      : path
          .split('/')
          .map((s) => encodeURIComponent(s).replace(/%7E/gi, '~'))
          .join('/');
  return `sftp://${encodeURIComponent(location.user)}@${host}${port}${encoded}`;
}
