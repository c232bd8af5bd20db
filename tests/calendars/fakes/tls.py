"""A throwaway certificate authority for the HTTPS fakes: one CA per test process, one server cert for 127.0.0.1.

msal accepts only an https authority, so the Microsoft fake serves TLS; clients trust it through
`requests.Session()` with `verify=ca_pem_path()` and `trust_env=False` (`REQUESTS_CA_BUNDLE` in the
environment would otherwise override `verify`).
"""

from __future__ import annotations

import atexit
import functools
import shutil
import ssl
import tempfile
from pathlib import Path

import requests
import trustme


@functools.cache
def _authority() -> trustme.CA:
    return trustme.CA(organization_name="issetter calendar fakes")


@functools.cache
def _server_certificate() -> trustme.LeafCert:
    return _authority().issue_cert("127.0.0.1", "localhost")


@functools.cache
def ca_pem_path() -> str:
    """Path of the CA certificate (PEM) that signed the fakes' server certificate."""
    folder = Path(tempfile.mkdtemp(prefix="issetter-fake-ca-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "ca.pem"
    _authority().cert_pem.write_to_path(str(path))
    return str(path)


def server_ssl_context() -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    _server_certificate().configure_cert(context)
    return context


def trusting_session() -> requests.Session:
    """A requests session that trusts the fakes' CA and ignores proxy/CA settings from the environment."""
    session = requests.Session()
    session.verify = ca_pem_path()
    session.trust_env = False
    return session
