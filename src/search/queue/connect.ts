import { isIP } from 'node:net';
import { Redis, type RedisOptions } from 'ioredis';
import type { RedisTarget } from './redis-url.ts';

/** Redis could not be reached or refused us; the message names only the redacted URL. */
export class QueueConnectError extends Error {
  override name = 'QueueConnectError';
}

/** ioredis options for a target; rediss:// turns on TLS with Node's CAs (NODE_EXTRA_CA_CERTS adds one). */
export function redisOptions(t: RedisTarget): RedisOptions {
  return {
    host: t.host, port: t.port, db: t.db, username: t.username, password: t.password,
    // SNI takes host names only; an IP address is checked against the certificate without it.
    tls: t.tls ? (isIP(t.host) ? {} : { servername: t.host }) : undefined,
    // BullMQ's blocking commands need ioredis to retry forever instead of failing a command.
    maxRetriesPerRequest: null,
    connectionName: 'stlkit',
  };
}

/** Why a connection attempt failed, in words, from an ioredis or socket error. */
function reason(err: Error & { code?: string }): string {
  const m = err.message ?? String(err);
  if (/WRONGPASS|invalid password|invalid username-password/i.test(m)) return 'wrong password or user name (WRONGPASS)';
  if (/NOAUTH/i.test(m)) return 'the server needs a password (NOAUTH): give redis://:PASSWORD@host:port';
  if (/NOPERM/i.test(m)) return `the user lacks a permission the queue needs (${m.split('\n')[0]})`;
  if (err.code === 'ECONNREFUSED') return 'connection refused (is redis-server running and listening there?)';
  if (err.code === 'ECONNRESET') return 'connection reset by the server (for a TLS port use rediss://)';
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return 'host not found';
  if (err.code === 'ETIMEDOUT' || /timeout/i.test(m)) return 'connection timed out';
  if (/SSL|TLS|certificate|EPROTO/i.test(m + (err.code ?? ''))) return `TLS handshake failed (${m.split('\n')[0]})`;
  return m.split('\n')[0];
}

/**
 * Open a client and prove it works (PING), failing fast with one line instead of ioredis's
 * default of retrying forever: a wrong password or a server that is down is reported at once.
 * The returned client reconnects as usual afterwards.
 */
export async function connectRedis(t: RedisTarget, timeoutMs = 5000): Promise<Redis> {
  let failed: Error | null = null;
  const client = new Redis({
    ...redisOptions(t), lazyConnect: true, connectTimeout: timeoutMs,
    // While probing, give up after the first failure; afterwards retry with a capped back-off.
    retryStrategy: (times) => (failed || times > 1 ? null : 200),
  });
  client.on('error', (err: Error) => { failed ??= err; });
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    client.disconnect();
    throw new QueueConnectError(`cannot use the queue at ${t.redacted}: ${reason((failed ?? err) as Error & { code?: string })}`);
  }
  // From here on a dropped connection is retried (a Redis restart must not end a long search).
  client.options.retryStrategy = (times) => Math.min(times * 200, 5000);
  client.removeAllListeners('error');
  client.on('error', () => { /* reported by the commands that fail; reconnects are automatic */ });
  return client;
}
