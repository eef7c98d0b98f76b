"""A TLS-terminating TCP proxy on loopback, so scripts/smoke's TLS checks run against a real
handshake in scripts/e2e: it makes a throw-away CA and a certificate for localhost/127.0.0.1
(with the `cryptography` package moto already brings), writes the CA to CA_FILE, and relays each
TLS connection to 127.0.0.1:UPSTREAM_PORT in plain TCP.

    python tls_proxy.py LISTEN_PORT UPSTREAM_PORT CA_FILE [DAYS_VALID]

Prints `ready` once listening; runs until killed.
"""

import datetime
import ipaddress
import os
import socket
import ssl
import sys
import tempfile
import threading

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def certificate(subject, issuer, public_key, signing_key, days, ca, names=()):
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
               .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
               .public_key(public_key)
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5))
               .not_valid_after(now + datetime.timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(list(names)), critical=False)
    return builder.sign(signing_key, hashes.SHA256())


def make_pki(ca_file, days):
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = certificate("lambda-mcp e2e CA", "lambda-mcp e2e CA", ca_key.public_key(), ca_key, 30, True)
    key = ec.generate_private_key(ec.SECP256R1())
    names = (x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1")))
    leaf = certificate("localhost", "lambda-mcp e2e CA", key.public_key(), ca_key, days, False, names)
    with open(ca_file, "wb") as out:
        out.write(ca.public_bytes(serialization.Encoding.PEM))
    chain = tempfile.NamedTemporaryFile("wb", suffix=".pem", delete=False)
    chain.write(leaf.public_bytes(serialization.Encoding.PEM))
    chain.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    chain.close()
    return chain.name


def pipe(source, target):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            target.sendall(data)
    except OSError:
        pass
    finally:
        for s in (source, target):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(client, context, upstream_port):
    try:
        tls = context.wrap_socket(client, server_side=True)
    except (ssl.SSLError, OSError):
        client.close()
        return
    upstream = socket.create_connection(("127.0.0.1", upstream_port))
    threading.Thread(target=pipe, args=(upstream, tls), daemon=True).start()
    pipe(tls, upstream)


def main():
    listen_port, upstream_port, ca_file = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    days = int(sys.argv[4]) if len(sys.argv) > 4 else 90
    chain = make_pki(ca_file, days)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(chain)
    os.unlink(chain)
    server = socket.create_server(("127.0.0.1", listen_port))
    print("ready", flush=True)
    while True:
        client, _ = server.accept()
        threading.Thread(target=serve, args=(client, context, upstream_port), daemon=True).start()


if __name__ == "__main__":
    main()
