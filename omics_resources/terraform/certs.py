"""The server's certificate for go-plugin's AutoMTLS.

Terraform and OpenTofu start a provider with ``PLUGIN_CLIENT_CERT`` set (their own
certificate, PEM) and speak TLS only: the provider serves with a certificate of its own,
made for this process (as go-plugin's servers make theirs), trusts only the client's, and
prints its certificate in the handshake line.
"""

from __future__ import annotations

import base64
import datetime
import ipaddress
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = ["ServerCertificate"]

_VALID = datetime.timedelta(days=30)


@dataclass(frozen=True)
class ServerCertificate:
    """A self-signed certificate and key, PEM; :attr:`handshake` is what go-plugin reads."""

    cert_pem: bytes
    key_pem: bytes
    cert_der: bytes

    @classmethod
    def make(cls) -> ServerCertificate:
        """A new P-256 key and a certificate for ``localhost`` (go-plugin's server name)."""
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "HashiCorp"),
                x509.NameAttribute(NameOID.COMMON_NAME, "localhost"),
            ]
        )
        now = datetime.datetime.now(datetime.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(seconds=30))
            .not_valid_after(now + _VALID)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=True,
                    data_encipherment=False,
                    key_agreement=True,
                    key_cert_sign=True,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.ExtendedKeyUsage(
                    [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
                ),
                critical=False,
            )
            .add_extension(
                x509.SubjectAlternativeName(
                    [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
                ),
                critical=False,
            )
            .sign(key, hashes.SHA256())
        )
        return cls(
            cert_pem=cert.public_bytes(serialization.Encoding.PEM),
            key_pem=key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
            cert_der=cert.public_bytes(serialization.Encoding.DER),
        )

    @property
    def handshake(self) -> str:
        """The certificate as the handshake line's last field (unpadded base64 of the DER)."""
        return base64.b64encode(self.cert_der).decode().rstrip("=")
