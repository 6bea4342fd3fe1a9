import { X509Certificate, createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KafkaLocalError } from './errors.ts';
import { run, tail } from './exec.ts';

/** The TLS files of a secure broker, all PEM, in its secure dir. */
export interface TlsFiles {
  /** The local CA's certificate: what clients trust. */
  caCert: string;
  /** Its key, kept to sign more client certificates by hand if wanted. */
  caKey: string;
  /** The broker's key, certificate and the CA, in one file: its PEM keystore. */
  brokerKeystore: string;
  /** A client certificate (CN=alice) for mutual TLS, signed by the CA. */
  clientCert: string;
  clientKey: string;
  /** clientKey and clientCert in one file, as Java's ssl.keystore.location with ssl.keystore.type=PEM wants it. */
  clientKeystore: string;
}

export function tlsFiles(secureDir: string): TlsFiles {
  return {
    caCert: path.join(secureDir, 'ca.pem'),
    caKey: path.join(secureDir, 'ca.key'),
    brokerKeystore: path.join(secureDir, 'broker.pem'),
    clientCert: path.join(secureDir, 'client.pem'),
    clientKey: path.join(secureDir, 'client.key'),
    clientKeystore: path.join(secureDir, 'client-keystore.pem'),
  };
}

/** Long enough that a dev checkout never sees them expire, short of the year-2038 range of 32-bit tools. */
const VALID_DAYS = 3650;

/**
 * Our own minimal openssl config, so that neither the system's openssl.cnf (which differs between
 * distributions and may already add the extensions we ask for) nor its absence changes the result.
 */
const OPENSSL_CNF = `[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[broker]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
authorityKeyIdentifier = keyid
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid
`;

/**
 * The TLS material of a secure dir: reused while it is whole and valid, made anew (CA included)
 * when a file is missing, unreadable, expiring or does not match the CA, since a broker that
 * starts with a broken keystore only says so deep in its log.
 */
export async function ensureTlsMaterial(secureDir: string, log: (message: string) => void = () => {}): Promise<TlsFiles> {
  const files = tlsFiles(secureDir);
  const problem = checkTlsMaterial(files);
  if (problem === undefined) return files;
  if (problem !== 'missing') log(`TLS material in ${secureDir} is unusable (${problem}); making a new CA and certificates`);

  mkdirSync(secureDir, { recursive: true, mode: 0o700 });
  // Made in a scratch dir and moved in at the end, so that a run that dies half-way leaves
  // either the old set or a whole new one, never a key that belongs to another certificate.
  const work = path.join(secureDir, `.tls-${process.pid}-${randomBytes(3).toString('hex')}`);
  mkdirSync(work, { mode: 0o700 });
  try {
    const w = tlsFiles(work);
    const cnf = path.join(work, 'openssl.cnf');
    writeFileSync(cnf, OPENSSL_CNF);
    await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', w.caKey]);
    await openssl([
      'req',
      '-config',
      cnf,
      '-new',
      '-x509',
      '-key',
      w.caKey,
      '-out',
      w.caCert,
      '-days',
      String(VALID_DAYS),
      '-subj',
      '/O=user-behavior-producer/CN=kafka-local dev CA',
      '-extensions',
      'ca',
      '-sha256',
    ]);
    const brokerKey = path.join(work, 'broker.key');
    const brokerCert = path.join(work, 'broker.crt');
    await leaf(work, cnf, w, brokerKey, brokerCert, '/O=user-behavior-producer/CN=localhost', 'broker');
    await leaf(work, cnf, w, w.clientKey, w.clientCert, '/O=user-behavior-producer/CN=alice', 'client');
    const ca = readFileSync(w.caCert, 'utf8');
    writeFileSync(w.brokerKeystore, readFileSync(brokerKey, 'utf8') + readFileSync(brokerCert, 'utf8') + ca, { mode: 0o600 });
    writeFileSync(w.clientKeystore, readFileSync(w.clientKey, 'utf8') + readFileSync(w.clientCert, 'utf8'), { mode: 0o600 });
    const made = checkTlsMaterial(w);
    if (made !== undefined) throw new KafkaLocalError(`openssl made TLS material that does not check out: ${made}`);
    for (const name of Object.keys(files) as (keyof TlsFiles)[]) renameSync(w[name], files[name]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  log(`made a dev CA and broker/client certificates in ${secureDir}`);
  return files;
}

/** A key and a certificate signed by the CA with the extensions of one section of OPENSSL_CNF. */
async function leaf(
  work: string,
  cnf: string,
  w: TlsFiles,
  keyFile: string,
  certFile: string,
  subject: string,
  section: string,
): Promise<void> {
  const csr = path.join(work, `${section}.csr`);
  await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', keyFile]);
  await openssl(['req', '-config', cnf, '-new', '-key', keyFile, '-out', csr, '-subj', subject]);
  await openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    w.caCert,
    '-CAkey',
    w.caKey,
    '-out',
    certFile,
    '-days',
    String(VALID_DAYS),
    // A random serial instead of a .srl file next to the CA: no state to keep between runs.
    '-set_serial',
    `0x${randomBytes(15).toString('hex')}`,
    '-extfile',
    cnf,
    '-extensions',
    section,
    '-sha256',
  ]);
}

async function openssl(args: string[]): Promise<void> {
  const res = await run('openssl', args);
  if (res.error?.code === 'ENOENT')
    throw new KafkaLocalError(
      "openssl not found on PATH: install it (e.g. apt-get install openssl) to make the secure broker's certificates",
    );
  if (res.code !== 0) throw new KafkaLocalError(`openssl ${args[0]} failed (exit ${res.code})`, tail(res.output, 20));
}

/** Why the files cannot be used as they are: 'missing', another reason, or undefined when they can. */
export function checkTlsMaterial(files: TlsFiles): string | undefined {
  if (!Object.values(files).every((f) => existsSync(f))) return 'missing';
  try {
    const ca = new X509Certificate(readFileSync(files.caCert));
    const soon = Date.now() + 24 * 3600 * 1000;
    for (const [name, keystore] of [
      ['broker', files.brokerKeystore],
      ['client', files.clientKeystore],
    ] as const) {
      const pem = readFileSync(keystore, 'utf8');
      const cert = new X509Certificate(pem);
      if (!cert.verify(ca.publicKey)) return `the ${name} certificate is not signed by ca.pem`;
      if (Date.parse(cert.validTo) < soon) return `the ${name} certificate expires ${cert.validTo}`;
      const publicOfKey = createPublicKey(createPrivateKey(pem)).export({ type: 'spki', format: 'der' });
      if (!publicOfKey.equals(cert.publicKey.export({ type: 'spki', format: 'der' })))
        return `the ${name} key does not belong to its certificate`;
    }
    if (Date.parse(ca.validTo) < soon) return `the CA expires ${ca.validTo}`;
    if (
      !new X509Certificate(readFileSync(files.clientCert)).publicKey.equals(
        new X509Certificate(readFileSync(files.clientKeystore)).publicKey,
      )
    ) {
      return 'client.pem and client-keystore.pem hold different certificates';
    }
    createPrivateKey(readFileSync(files.clientKey));
    createPrivateKey(readFileSync(files.caKey));
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
