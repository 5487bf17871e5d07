"""The self-signed certificate of ``kinesense serve --lan``.

Phones give web pages their motion sensors only in a secure context (W3C "DeviceOrientation
Event Specification": the events are restricted to secure contexts; Secure Contexts, W3C
Candidate Recommendation, section 3): a page from ``http://192.168.x.y`` gets none. So
``--lan`` serves HTTPS with a certificate made here on first use:

* an ECDSA P-256 key, written with mode 0600 (read by its owner only);
* a certificate signed by that key, valid :data:`VALID_DAYS` days, for the machine's host name,
  ``localhost``, ``127.0.0.1`` and its local-network addresses (subjectAltName), marked as a
  server certificate (not a CA);
* both kept in ``<data folder>/tls`` and reused at the next start, so a phone that accepted it
  once is not asked again; a new one is made when it expires or when the machine has a local
  address the certificate does not name.

The phone shows a warning the first time (nobody vouches for the certificate); the SHA-256
fingerprint printed at start-up lets a careful person check it is kinesense's.
"""

import datetime
import ipaddress
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from kinesense.errors import OutputFileError

TLS_FOLDER = "tls"
CERT_FILE = "lan-cert.pem"
KEY_FILE = "lan-key.pem"
VALID_DAYS = 397
"""Validity of a certificate (browsers refuse server certificates valid for longer than 398
days, CA/Browser Forum Baseline Requirements, section 6.3.2)."""
RENEW_BEFORE = datetime.timedelta(days=7)
"""A certificate that expires sooner than this is replaced."""
PROBE_ADDRESS = "192.0.2.1"
"""TEST-NET-1 (RFC 5737): connecting a UDP socket to it sends nothing, and tells which local
address the default route would use."""

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class LanCertificate:
    """The certificate files, its SHA-256 fingerprint (``AB:CD:...``), the names it covers,
    and whether it was made now."""

    cert_path: Path
    key_path: Path
    fingerprint_sha256: str
    dns_names: tuple[str, ...]
    addresses: tuple[str, ...]
    created: bool


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses on its networks (not loopback), the default route's first;
    empty when it has none. Nothing is sent on the network."""
    found: list[str] = []
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect((PROBE_ADDRESS, 9))
            found.append(str(probe.getsockname()[0]))
    except OSError:
        pass
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        infos = []
    found += [str(info[4][0]) for info in infos]
    unique: list[str] = []
    for text in found:
        address = ipaddress.ip_address(text)
        if not (address.is_loopback or address.is_unspecified) and text not in unique:
            unique.append(text)
    return unique


def fingerprint(certificate: x509.Certificate) -> str:
    """SHA-256 of the certificate's DER form, as colon-separated hex pairs."""
    digest = certificate.fingerprint(hashes.SHA256())
    return ":".join(f"{byte:02X}" for byte in digest)


def ensure_certificate(
    data_dir: Path,
    *,
    hostname: str | None = None,
    addresses: list[str] | None = None,
    now: datetime.datetime | None = None,
) -> LanCertificate:
    """The certificate for ``hostname`` and ``addresses`` (default: this machine's), reused
    from ``data_dir/tls`` when it is still valid and names them all, made otherwise."""
    host = (hostname or socket.gethostname() or "localhost").strip()
    wanted = [*(addresses if addresses is not None else lan_addresses())]
    moment = now or datetime.datetime.now(datetime.UTC)
    folder = data_dir / TLS_FOLDER
    cert_path, key_path = folder / CERT_FILE, folder / KEY_FILE
    names = _dns_names(host)
    ips = _ip_set(["127.0.0.1", *wanted])
    existing = _reusable(cert_path, key_path, names, ips, moment)
    if existing is not None:
        return LanCertificate(cert_path, key_path, fingerprint(existing), tuple(names),
                              tuple(str(a) for a in ips), created=False)  # fmt: skip
    certificate = _write_new(folder, cert_path, key_path, host, names, ips, moment)
    return LanCertificate(cert_path, key_path, fingerprint(certificate), tuple(names),
                          tuple(str(a) for a in ips), created=True)  # fmt: skip


def _dns_names(host: str) -> list[str]:
    names = ["localhost"]
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if host and host != "localhost":
            names.insert(0, host)
    return names


def _ip_set(texts: list[str]) -> list[IpAddress]:
    out: list[IpAddress] = []
    for text in texts:
        address = ipaddress.ip_address(text)
        if address not in out:
            out.append(address)
    return out


def _reusable(
    cert_path: Path, key_path: Path, names: list[str], ips: list[IpAddress],
    now: datetime.datetime,
) -> x509.Certificate | None:  # fmt: skip
    """The saved certificate if it can serve (valid, naming everything, its key present)."""
    if not (cert_path.is_file() and key_path.is_file()):
        return None
    try:
        certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (ValueError, x509.ExtensionNotFound, OSError):
        return None
    if _public_der(key.public_key()) != _public_der(certificate.public_key()):
        return None
    if certificate.not_valid_after_utc - RENEW_BEFORE <= now:
        return None
    covered_names = set(san.get_values_for_type(x509.DNSName))
    covered_ips = set(san.get_values_for_type(x509.IPAddress))
    if not (set(names) <= covered_names and set(ips) <= covered_ips):
        return None
    if key_path.stat().st_mode & 0o077:
        key_path.chmod(0o600)
    return certificate


def _public_der(public_key: object) -> bytes:
    """A public key's SubjectPublicKeyInfo (DER), to compare two keys."""
    encode = getattr(public_key, "public_bytes", None)
    if encode is None:
        return b""
    der: bytes = encode(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return der


SERVER_KEY_USAGE = x509.KeyUsage(
    digital_signature=True, content_commitment=False, key_encipherment=False,
    data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
    encipher_only=False, decipher_only=False,
)  # fmt: skip
"""A TLS server's ECDSA key signs (RFC 5280 section 4.2.1.3); it certifies nothing."""


def _write_new(
    folder: Path, cert_path: Path, key_path: Path, host: str, names: list[str],
    ips: list[IpAddress], now: datetime.datetime,
) -> x509.Certificate:  # fmt: skip
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, host[:64] or "localhost"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "kinesense on this computer"),
    ])  # fmt: skip
    alternative = [*(x509.DNSName(n) for n in names), *(x509.IPAddress(a) for a in ips)]
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName(alternative), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(SERVER_KEY_USAGE, critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_bytes = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _write_private(key_path, key_bytes)
        temporary = cert_path.with_suffix(".tmp")
        temporary.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        os.replace(temporary, cert_path)
    except OSError as exc:
        raise OutputFileError(f"cannot write the certificate in {folder}: {exc.strerror}") from None
    return certificate


def _write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` readable by its owner only (mode 0600 from creation on)."""
    temporary = path.with_suffix(".tmp")
    temporary.unlink(missing_ok=True)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)
