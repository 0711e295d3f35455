import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import ipaddr from 'ipaddr.js';
import { Agent, fetch as undiciFetch, type RequestInit, type Response } from 'undici';

/**
 * Outbound HTTP for everything a workspace can point us at (feed URLs, API base URLs, webhooks out):
 * connections to loopback, private, link-local and other non-public addresses are refused at
 * connect time (after DNS resolution, so DNS rebinding cannot slip through), unless the operator
 * allows private networks (self-hosted intranet sources, and the test suite's loopback stand-ins).
 */

export class BlockedAddressError extends Error {
  constructor(host: string, address: string) {
    super(`refusing to connect to ${host} (${address}): not a public address; set TOWNHALL_ALLOW_PRIVATE_NETWORK=true to allow private sources`);
    this.name = 'BlockedAddressError';
  }
}

/** True for addresses a server-side fetch must not reach by default. */
export function isPrivateAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return true;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() !== 'unicast';
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

function guardedLookup(hostname: string, options: { all?: boolean }, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const list = addresses as LookupAddress[];
    const blocked = list.find((a) => isPrivateAddress(a.address));
    if (blocked) return callback(new BlockedAddressError(hostname, blocked.address), []);
    if (options.all) return callback(null, list);
    const first = list[0];
    return first ? callback(null, first.address, first.family) : callback(new Error(`no address for ${hostname}`), []);
  });
}

const publicOnly = new Agent({ connect: { lookup: guardedLookup as never, timeout: 10_000 }, headersTimeout: 30_000, bodyTimeout: 60_000 });
const anyAddress = new Agent({ connect: { timeout: 10_000 }, headersTimeout: 30_000, bodyTimeout: 60_000 });

export interface SafeFetchOptions {
  allowPrivateNetwork: boolean;
}

/** fetch() that refuses non-public destinations unless allowed; literal IP hosts are checked too. */
export async function safeFetch(url: string | URL, init: RequestInit, options: SafeFetchOptions): Promise<Response> {
  const target = new URL(url);
  if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new Error(`only http and https URLs can be fetched, not ${target.protocol}`);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (!options.allowPrivateNetwork && ipaddr.isValid(host) && isPrivateAddress(host)) throw new BlockedAddressError(host, host);
  return undiciFetch(target, { ...init, dispatcher: options.allowPrivateNetwork ? anyAddress : publicOnly, redirect: init.redirect ?? 'follow' });
}
