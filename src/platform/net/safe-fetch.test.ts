import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { BlockedAddressError, isPrivateAddress, safeFetch } from './safe-fetch.ts';

describe('SSRF guard', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '::1', '::ffff:127.0.0.1', 'fd00::1', '0.0.0.0'])('treats %s as private', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111'])('treats %s as public', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });

  it('refuses loopback unless private networks are allowed', async () => {
    const server = createServer((_req, res) => res.end('hello'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await expect(safeFetch(`http://127.0.0.1:${port}/`, {}, { allowPrivateNetwork: false })).rejects.toBeInstanceOf(BlockedAddressError);
      await expect(safeFetch(`http://localhost:${port}/`, {}, { allowPrivateNetwork: false })).rejects.toThrow();
      const allowed = await safeFetch(`http://localhost:${port}/`, {}, { allowPrivateNetwork: true });
      expect(await allowed.text()).toBe('hello');
    } finally {
      server.close();
    }
  });

  it('refuses non-http schemes', async () => {
    await expect(safeFetch('file:///etc/passwd', {}, { allowPrivateNetwork: true })).rejects.toThrow(/only http and https/);
  });
});
