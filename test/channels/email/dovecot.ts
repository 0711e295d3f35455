import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

/**
 * A real IMAP server for tests: Debian's dovecot-imapd (apt-get install dovecot-imapd), started in
 * the foreground on a free loopback port with its own config, passwd-file and maildir in a temp
 * dir. It runs as the current user; under root the mail processes use "nobody" (Dovecot refuses
 * mail access as root).
 */

export const DOVECOT_BINARY = '/usr/sbin/dovecot';

export const dovecotAvailable = (): boolean => existsSync(DOVECOT_BINARY);

export interface Dovecot {
  port: number;
  user: string;
  password: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForGreeting(port: number, child: ChildProcess, log: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`dovecot exited with ${child.exitCode}: ${await readFile(log, 'utf8').catch(() => '')}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('* OK'));
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`dovecot did not answer on port ${port}: ${await readFile(log, 'utf8').catch(() => '')}`);
}

/** Starts dovecot with one user; stop() ends it and removes its files. */
export async function startDovecot(user = 'support@kestrel-bikes.example', password = 'imap-test-password'): Promise<Dovecot> {
  const dir = await mkdtemp(join(tmpdir(), 'townhall-dovecot-'));
  await chmod(dir, 0o755);
  const mail = join(dir, 'mail');
  await mkdir(mail);
  await chmod(mail, 0o777);
  await mkdir(join(dir, 'run'));
  await mkdir(join(dir, 'state'));
  const isRoot = process.getuid?.() === 0;
  const account = isRoot ? 'nobody' : userInfo().username;
  const group = isRoot ? 'nogroup' : execFileSync('id', ['-gn']).toString().trim();
  const uid = isRoot ? 65534 : userInfo().uid;
  const port = await freePort();
  const log = join(dir, 'dovecot.log');
  const passwd = join(dir, 'passwd');
  await writeFile(passwd, `${user}:{PLAIN}${password}\n`, { mode: 0o644 });
  const config = join(dir, 'dovecot.conf');
  await writeFile(
    config,
    `base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = townhall-test-${port}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
log_path = ${log}
default_internal_user = ${account}
default_internal_group = ${group}
default_login_user = ${account}
first_valid_uid = ${Math.min(uid, 1000)}
mail_location = maildir:${mail}/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${passwd}
}
userdb {
  driver = static
  args = uid=${account} gid=${group} home=${mail}/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
  chroot =
}
service anvil {
  chroot =
}
service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
`,
  );
  const child = spawn(DOVECOT_BINARY, ['-F', '-c', config], { stdio: 'ignore' });
  await waitForGreeting(port, child, log);
  return {
    port,
    user,
    password,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
