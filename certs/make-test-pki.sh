#!/usr/bin/env bash
# Builds a test PKI shaped like the OpenADR / IEEE 2030.5 ones: root CA -> intermediate CA -> leaves.
# Leaves: VTN/server and VEN/device certificates, each as ECDSA P-256 and RSA 2048, one revoked VEN with a CRL,
# one expired VEN, and a second, untrusted root with a leaf ("rogue") for refusal tests.
# Usage: certs/make-test-pki.sh [OUTDIR]   (default certs/out; keys never go into git)
set -euo pipefail
OUT=${1:-"$(dirname "$0")/out"}
mkdir -p "$OUT"
cd "$OUT"
umask 077

cat > ca.cnf <<'CNF'
[ca]
default_ca = ca_default
[ca_default]
dir = .
database = index.txt
new_certs_dir = .
serial = serial
crlnumber = crlnumber
default_md = sha256
policy = policy_any
copy_extensions = copy
default_crl_days = 30
[policy_any]
commonName = supplied
[req]
distinguished_name = dn
prompt = no
[dn]
CN = placeholder
[v3_root]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[v3_inter]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_server]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment, keyAgreement
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_client]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment, keyAgreement
extendedKeyUsage = clientAuth, serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_signonly]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF

key() { # name kind
  if [ "$2" = rsa ]; then openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" 2>/dev/null
  else openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key"; fi
}

newca() { # dir
  mkdir -p "$1"; : > "$1/index.txt"; echo 1000 > "$1/serial"; echo 1000 > "$1/crlnumber"; cp ca.cnf "$1/"
}

# root (self-signed) and intermediate, both ECDSA P-256
newca root
key root/ca ec
openssl req -new -x509 -key root/ca.key -subj "/O=gridhub test/CN=gridhub Test Root CA" -days 3650 -config ca.cnf -extensions v3_root -out root/ca.pem
newca inter
key inter/ca ec
openssl req -new -key inter/ca.key -subj "/O=gridhub test/CN=gridhub Test Intermediate CA" -config ca.cnf -out inter/ca.csr
(cd root && openssl ca -batch -config ca.cnf -extensions v3_inter -days 1825 -in ../inter/ca.csr -out ../inter/ca.pem -cert ca.pem -keyfile ca.key -notext 2>/dev/null)

leaf() { # name kind ext cn [days|startend]
  key "$1" "$2"
  openssl req -new -key "$1.key" -subj "/O=gridhub test/CN=$4" -config ca.cnf -out "$1.csr"
  local dates=(-days "${5:-825}")
  if [ "${5:-}" = expired ]; then dates=(-startdate 20200101000000Z -enddate 20200201000000Z); fi
  (cd inter && openssl ca -batch -config ca.cnf -extensions "$3" "${dates[@]}" -in "../$1.csr" -out "../$1.pem" -cert ca.pem -keyfile ca.key -notext 2>/dev/null)
  cat "$1.pem" inter/ca.pem > "$1.chain.pem"
  rm "$1.csr"
}

leaf vtn ec v3_server "vtn.gridhub.test"
leaf vtn-rsa rsa v3_server "vtn-rsa.gridhub.test"
leaf ven1 ec v3_client "ven1.gridhub.test"
leaf ven2 ec v3_client "ven2.gridhub.test"
leaf ven-rsa rsa v3_client "ven-rsa.gridhub.test"
leaf ven-revoked ec v3_client "ven-revoked.gridhub.test"
leaf ven-expired ec v3_client "ven-expired.gridhub.test" expired
leaf ven-signonly ec v3_signonly "ven-signonly.gridhub.test"
leaf update-signer ec v3_signonly "update-signer.gridhub.test"

(cd inter && openssl ca -batch -config ca.cnf -revoke ../ven-revoked.pem -cert ca.pem -keyfile ca.key 2>/dev/null \
  && openssl ca -batch -config ca.cnf -gencrl -cert ca.pem -keyfile ca.key -out ../inter.crl.pem 2>/dev/null)
(cd root && openssl ca -batch -config ca.cnf -gencrl -cert ca.pem -keyfile ca.key -out ../root.crl.pem 2>/dev/null)

# trust bundle = root + intermediate; a second root that nobody trusts, with its own leaf
cat root/ca.pem inter/ca.pem > trust.pem
mkdir -p rogue
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out rogue/ca.key
openssl req -new -x509 -key rogue/ca.key -subj "/O=elsewhere/CN=Rogue Root" -days 365 -config ca.cnf -extensions v3_root -out rogue/ca.pem
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ven-rogue.key
openssl req -new -key ven-rogue.key -subj "/O=elsewhere/CN=ven1.gridhub.test" -config ca.cnf -out ven-rogue.csr
openssl x509 -req -in ven-rogue.csr -CA rogue/ca.pem -CAkey rogue/ca.key -CAcreateserial -days 365 -extfile ca.cnf -extensions v3_client -out ven-rogue.pem 2>/dev/null
rm ven-rogue.csr
chmod 600 ./*.key root/ca.key inter/ca.key rogue/ca.key
echo "test PKI written to $OUT"
