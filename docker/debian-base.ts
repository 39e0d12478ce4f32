// The Debian base image, made without a container registry: `debootstrap` writes a minimal
// Debian into a folder from Debian's mirror, and `docker import` turns the folder into an image.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from './engine.ts';

const MIRROR = 'http://deb.debian.org/debian';
const LOCAL_CA_DIR = '/usr/local/share/ca-certificates';

function localCertificates(): string[] {
  return existsSync(LOCAL_CA_DIR) ? readdirSync(LOCAL_CA_DIR).filter((name) => name.endsWith('.crt')) : [];
}

function ensureDebootstrap(report: (line: string) => void): void {
  if (spawnSync('debootstrap', ['--version'], { stdio: 'ignore' }).status === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error('debootstrap is not installed: install it (apt-get install debootstrap) or run as root, which installs it');
  }
  report('installing debootstrap (apt-get)');
  const result = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'debootstrap'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('apt-get install debootstrap failed (above)');
}

/** Builds `tag` from Debian `suite` (minbase, with CA certificates). Needs root. */
export async function buildDebianBase(tag: string, suite: string, report: (line: string) => void): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the Debian base image is made with debootstrap, which needs root');
  ensureDebootstrap(report);
  const work = mkdtempSync(path.join(os.tmpdir(), 'cometchat-rootfs-'));
  const rootfs = path.join(work, 'rootfs');
  try {
    report(`debootstrap ${suite} from ${MIRROR} (a minute or two)`);
    await run('debootstrap', ['--variant=minbase', '--include=ca-certificates', suite, rootfs, MIRROR], { prefix: '  debootstrap: ' });
    // What an image never needs: downloaded packages, package lists, manuals.
    for (const dir of ['var/cache/apt/archives', 'var/lib/apt/lists', 'usr/share/doc', 'usr/share/man', 'usr/share/info']) {
      spawnSync('sh', ['-c', `rm -rf ${path.join(rootfs, dir)}/*`]);
    }
    // Later packages leave their manuals and docs out too, as Debian's slim images do; man1
    // stays, for the alternatives a JDK registers there.
    mkdirSync(path.join(rootfs, 'usr/share/man/man1'), { recursive: true });
    writeFileSync(
      path.join(rootfs, 'etc/dpkg/dpkg.cfg.d/90-image'),
      'path-exclude=/usr/share/doc/*\npath-exclude=/usr/share/man/*\npath-exclude=/usr/share/info/*\n',
    );
    writeFileSync(path.join(rootfs, 'etc/apt/apt.conf.d/90-image'), 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n');
    // The certificate authorities this machine adds to Debian's (a TLS-inspecting egress proxy,
    // a company CA): builds on this base reach the npm registry as the machine itself does.
    const extra = localCertificates();
    if (extra.length > 0) {
      report(`adding this machine's ${extra.length} local CA certificate(s) from ${LOCAL_CA_DIR}`);
      for (const file of extra) cpSync(path.join(LOCAL_CA_DIR, file), path.join(rootfs, 'usr/local/share/ca-certificates', file));
      await run('chroot', [rootfs, 'update-ca-certificates']);
    }
    report(`docker import → ${tag}`);
    const tar = spawn('tar', ['-C', rootfs, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    if (!tar.stdout) throw new Error('tar gave no output stream');
    await run('docker', ['import', '--change', 'CMD ["bash"]', '--change', 'ENV DEBIAN_FRONTEND=noninteractive', '-', tag], { input: tar.stdout });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
