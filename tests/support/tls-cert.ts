/**
 * A test CA and a server certificate it signed (for localhost, 127.0.0.1 and ::1), made with the
 * `openssl` CLI (installed through scripts/system-packages.ts where missing) once per process in a
 * temporary directory. A CA and a leaf, not one self-signed certificate: rustls (Deno) refuses a
 * CA certificate as a server's own.
 *
 * @example
 * ```ts ignore
 * const { caPem, certPem, keyPem } = await testCertificates();
 * const server = new Pull({ wssCertPem: certPem, wssKeyPem: keyPem });
 * const client = new Push({ wssTrustPem: caPem });
 * ```
 *
 * @module
 */
import { execFile, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireDebianPackages } from "../../scripts/system-packages.ts";

/** PEM texts: the CA to trust, the server's certificate and key, and an unrelated CA. */
export interface TestCertificates {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
  /** A second CA that signed nothing here: trusting it alone must fail. */
  readonly otherCaPem: string;
  /** The SHA-256 of the server key's SubjectPublicKeyInfo, base64 (Chromium's --ignore-certificate-errors-spki-list). */
  readonly spkiHash: string;
}

let made: Promise<TestCertificates> | undefined;

/** The certificates of this process (made on first use). */
export function testCertificates(): Promise<TestCertificates> {
  made ??= make();
  return made;
}

const openssl = (args: string[], cwd: string): Promise<string> =>
  new Promise((resolve, reject) => {
    execFile("openssl", args, { cwd, encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) reject(new Error(`openssl ${args.join(" ")} failed: ${stderr || error.message}`));
      else resolve(stdout);
    });
  });

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

const CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = omq test CA
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
authorityKeyIdentifier = keyid
`;

async function make(): Promise<TestCertificates> {
  await requireDebianPackages([{
    name: "openssl",
    present: () => spawnSync("openssl", ["version"]).status === 0,
  }]);
  const dir = await mkdtemp(join(tmpdir(), "omq-wss-"));
  try {
    await writeFile(join(dir, "openssl.cnf"), CONFIG);
    const ca = (name: string) =>
      openssl([
        "req",
        "-x509",
        ...EC,
        "-keyout",
        `${name}.key`,
        "-out",
        `${name}.pem`,
        "-days",
        "2",
        "-config",
        "openssl.cnf",
        "-extensions",
        "ca",
        "-subj",
        `/CN=${name}`,
      ], dir);
    await ca("ca");
    await ca("other");
    await openssl([
      "req",
      "-new",
      ...EC,
      "-keyout",
      "key.pem",
      "-out",
      "leaf.csr",
      "-config",
      "openssl.cnf",
      "-subj",
      "/CN=localhost",
    ], dir);
    await openssl([
      "x509",
      "-req",
      "-in",
      "leaf.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      "cert.pem",
      "-days",
      "2",
      "-extfile",
      "openssl.cnf",
      "-extensions",
      "leaf",
    ], dir);
    const read = (name: string) => readFile(join(dir, name), "utf8");
    await openssl(["pkey", "-in", "key.pem", "-pubout", "-outform", "DER", "-out", "spki.der"], dir);
    const spkiDer = await readFile(join(dir, "spki.der"));
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", spkiDer));
    return {
      caPem: await read("ca.pem"),
      certPem: await read("cert.pem"),
      keyPem: await read("key.pem"),
      otherCaPem: await read("other.pem"),
      spkiHash: btoa(String.fromCharCode(...digest)),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
