#!/bin/sh
# Makes testdata/tls: a private CA, a server certificate for 127.0.0.1 and localhost signed by
# it, a client certificate signed by it (for servers that ask for one), and a second CA nothing
# is signed by (an untrusted root). ECDSA P-256, valid for 100 years. Run from the project root:
#   sh testdata/gen/tls.sh
set -eu
out=testdata/tls
mkdir -p "$out"
cd "$out"
days=36500
openssl ecparam -name prime256v1 -genkey -noout -out ca.key
openssl req -x509 -new -key ca.key -sha256 -days $days -subj "/CN=heapdiff test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem
openssl ecparam -name prime256v1 -genkey -noout -out other-ca.key
openssl req -x509 -new -key other-ca.key -sha256 -days $days -subj "/CN=heapdiff other CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out other-ca.pem
rm other-ca.key
for who in server client; do
  openssl ecparam -name prime256v1 -genkey -noout -out $who.key.ec
  openssl pkcs8 -topk8 -nocrypt -in $who.key.ec -out $who.key
  rm $who.key.ec
  openssl req -new -key $who.key -subj "/CN=heapdiff test $who" -out $who.csr
  if [ $who = server ]; then
    ext="subjectAltName=IP:127.0.0.1,DNS:localhost
extendedKeyUsage=serverAuth
basicConstraints=critical,CA:FALSE"
  else
    ext="extendedKeyUsage=clientAuth
basicConstraints=critical,CA:FALSE"
  fi
  printf '%s\n' "$ext" > $who.ext
  openssl x509 -req -in $who.csr -CA ca.pem -CAkey ca.key -CAcreateserial -sha256 -days $days \
    -extfile $who.ext -out $who.pem
  rm $who.csr $who.ext
done
rm -f ca.key ca.srl
