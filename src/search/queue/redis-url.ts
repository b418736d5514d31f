/**
 * Where the job queue lives: a redis:// or rediss:// (TLS) URL, parsed strictly, and its redacted
 * form, the only one that may appear in logs, errors and status output.
 */

/** A parsed Redis URL. `redacted` is safe to print; the password is not. */
export interface RedisTarget {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  readonly tls: boolean;
  readonly redacted: string;
}

export class RedisUrlError extends Error {
  override name = 'RedisUrlError';
}

/** The environment variable read when no URL is given (keeps the password out of `ps`). */
export const REDIS_URL_ENV = 'STLKIT_REDIS_URL';

/**
 * The URL with any credentials replaced by ***. Works on strings that do not parse too, so an
 * error about a malformed URL cannot leak the password either.
 */
export function redactUrl(url: string): string {
  const at = url.lastIndexOf('@');
  const scheme = url.indexOf('://');
  if (at < 0) return url;
  const start = scheme >= 0 ? scheme + 3 : 0;
  if (at < start) return url;
  const user = url.slice(start, at);
  const colon = user.indexOf(':');
  // redis://user:pass@ keeps the user name (it is not a secret); redis://:pass@ and redis://pass@ do not.
  const shown = colon > 0 ? `${user.slice(0, colon)}:***` : colon === 0 ? ':***' : '***';
  return `${url.slice(0, start)}${shown}${url.slice(at)}`;
}

/** redis://[user][:password@]host:port[/db] or rediss://… for TLS. */
export function parseRedisUrl(url: string): RedisTarget {
  const redacted = redactUrl(url);
  const bad = (why: string) => new RedisUrlError(`${redacted}: ${why} (expected redis://[:password@]host:port[/db] or rediss://…)`);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw bad('not a URL');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw bad(`scheme "${u.protocol.replace(/:$/, '')}" is not redis or rediss`);
  if (!u.hostname) throw bad('no host');
  if (u.search || u.hash) throw bad('query strings and fragments are not read');
  const port = u.port === '' ? 6379 : Number(u.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad('port out of range');
  const path = u.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d{1,2}$/.test(path)) throw bad(`database "${path}" is not a number 0–99`);
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw bad('credentials are not valid percent-encoding');
    }
  };
  const username = u.username ? decode(u.username) : undefined;
  const password = u.password ? decode(u.password) : undefined;
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port, db: path === '' ? 0 : Number(path), username, password, tls: u.protocol === 'rediss:', redacted };
}

/**
 * The URL to use: the one given, else $STLKIT_REDIS_URL. `given` may be `true` (a flag given
 * without a value, as `--queue` alone).
 */
export function resolveRedisUrl(given: string | boolean | undefined, env: NodeJS.ProcessEnv = process.env): RedisTarget {
  const url = typeof given === 'string' ? given : env[REDIS_URL_ENV];
  if (!url) throw new RedisUrlError(`no Redis URL: give --queue redis://[:password@]host:port or set ${REDIS_URL_ENV}`);
  return parseRedisUrl(url);
}
