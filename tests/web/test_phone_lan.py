"""``kinesense serve --lan``: the self-signed certificate is made once (key readable by its owner
only, names covering the machine), reused at the next start, replaced when it no longer fits;
the server speaks HTTPS with it and prints its true SHA-256 fingerprint."""

import datetime
import hashlib
import re
import socket
import ssl
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from kinesense.web.tls import VALID_DAYS, ensure_certificate
from tests.web.live_server import LiveServer

NOW = datetime.datetime(2026, 12, 7, 12, 0, tzinfo=datetime.UTC)
SECRET = {"KINESENSE_SECRET_KEY": "a-test-secret-that-is-long-enough-for-the-rule-0123456789"}


def load(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def test_the_certificate_is_made_once_with_a_private_key(tmp_path: Path) -> None:
    made = ensure_certificate(tmp_path, hostname="kitchen-pc", addresses=["192.168.1.20"],
                              now=NOW)  # fmt: skip
    assert made.created
    assert made.key_path.stat().st_mode & 0o777 == 0o600
    certificate = load(made.cert_path)
    san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert set(san.get_values_for_type(x509.DNSName)) == {"kitchen-pc", "localhost"}
    assert {str(a) for a in san.get_values_for_type(x509.IPAddress)} == {
        "127.0.0.1", "192.168.1.20"}  # fmt: skip
    assert not certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert certificate.not_valid_after_utc - NOW == datetime.timedelta(days=VALID_DAYS)
    der = certificate.public_bytes(serialization.Encoding.DER)
    assert made.fingerprint_sha256 == ":".join(
        f"{b:02X}" for b in hashlib.sha256(der).digest())  # fmt: skip


def test_the_certificate_is_reused_until_it_no_longer_fits(tmp_path: Path) -> None:
    first = ensure_certificate(tmp_path, hostname="pc", addresses=["10.0.0.5"], now=NOW)
    first.key_path.chmod(0o644)
    later = NOW + datetime.timedelta(days=100)
    again = ensure_certificate(tmp_path, hostname="pc", addresses=["10.0.0.5"], now=later)
    assert not again.created
    assert again.fingerprint_sha256 == first.fingerprint_sha256
    assert first.key_path.stat().st_mode & 0o777 == 0o600  # tightened again
    moved = ensure_certificate(tmp_path, hostname="pc", addresses=["10.0.0.9"], now=later)
    assert moved.created  # a new address on the network: a certificate that names it
    expiring = later + datetime.timedelta(days=VALID_DAYS - 1)
    renewed = ensure_certificate(tmp_path, hostname="pc", addresses=["10.0.0.9"], now=expiring)
    assert renewed.created
    assert renewed.fingerprint_sha256 != moved.fingerprint_sha256


def test_a_damaged_certificate_is_replaced(tmp_path: Path) -> None:
    first = ensure_certificate(tmp_path, hostname="pc", addresses=[], now=NOW)
    first.cert_path.write_text("not a certificate")
    assert ensure_certificate(tmp_path, hostname="pc", addresses=[], now=NOW).created


def served_fingerprint(port: int) -> str:
    """SHA-256 of the certificate the server on 127.0.0.1:``port`` presents."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # self-signed: the fingerprint is what is checked
    with (
        socket.create_connection(("127.0.0.1", port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        der = tls.getpeercert(binary_form=True)
    assert der is not None
    return ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())


def printed(server: LiveServer, pattern: str) -> str:
    found = [m.group(1) for line in server.lines if (m := re.search(pattern, line))]
    assert found, "\n".join(server.lines)
    return found[0]


def test_serve_lan_speaks_https_with_the_printed_certificate(tmp_path: Path) -> None:
    fingerprints = []
    for run in ("made now", "reused"):
        with LiveServer(tmp_path, "--lan", env=SECRET) as server:
            assert server.url.startswith("https://")
            fingerprint = printed(server, r"certificate SHA-256 fingerprint: (\S+)")
            assert printed(server, r"certificate \(([a-z ]+)\)") == run
            assert printed(server, r"On your local network \(phones\): (https://\S+)")
            assert served_fingerprint(server.port) == fingerprint
            fingerprints.append(fingerprint)
    assert fingerprints[0] == fingerprints[1]
    key = tmp_path / "data" / "tls" / "lan-key.pem"
    assert key.stat().st_mode & 0o777 == 0o600


def test_serve_lan_without_a_secret_key_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="KINESENSE_SECRET_KEY"):
        LiveServer(tmp_path, "--lan", env={"KINESENSE_SECRET_KEY": ""}).start(timeout_s=60)
