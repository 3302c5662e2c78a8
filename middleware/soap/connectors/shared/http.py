"""One keep-alive HTTP session per connector: pool, retries of failed connects only, auth, no env proxies."""

from __future__ import annotations

from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from ....ports.erp import ConnectorConfig


def make_session(config: ConnectorConfig, auth: Any = None) -> requests.Session:
    """A session with a pool of `config.pool_size`; `auth` defaults to HTTP Basic from the config."""
    session = requests.Session()
    session.auth = auth if auth is not None else requests.auth.HTTPBasicAuth(config.username, config.password)
    # retry only failed connects (nothing was sent); never a read: creating an order must not run twice
    retries = Retry(total=2, connect=2, read=0, status=0, redirect=0, other=0, backoff_factor=0.1)
    adapter = HTTPAdapter(
        pool_connections=1, pool_maxsize=config.pool_size, max_retries=retries, pool_block=False
    )
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.trust_env = False  # never route the ERP link through a proxy from the environment
    return session


def timeouts(config: ConnectorConfig) -> tuple[float, float]:
    """(connect, read) timeouts for `requests`."""
    return (config.connect_timeout, config.read_timeout)
