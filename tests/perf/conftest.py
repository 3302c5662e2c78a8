"""Fixtures for the functional tests of performance work: the reference ERP and both SOAP clients."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from erpsim.server import SimulatorServer
from middleware.config import BUNDLED_ERP_WSDL
from middleware.ports.erp import ConnectorConfig
from middleware.soap.connectors.reference.connector import ReferenceErp as ZeepErp
from middleware.soap.connectors.reference.price_template import SimulatePricesCall

WSDL = str(BUNDLED_ERP_WSDL)


@pytest.fixture(scope="module")
def erp() -> Iterator[SimulatorServer]:
    """The reference ERP in this process, on a free loopback port."""
    with SimulatorServer() as server:
        yield server


@pytest.fixture
def zeep_erp(erp: SimulatorServer) -> Iterator[ZeepErp]:
    """The production zeep adapter pointed at the reference ERP (default credentials)."""
    client = ZeepErp(
        ConnectorConfig(endpoint=erp.soap_url, wsdl=WSDL, username="erp-user", password="erp-pass"))
    yield client
    client.close()


@pytest.fixture
def template(zeep_erp: ZeepErp) -> SimulatePricesCall:
    """The template call sharing the zeep client's transport, plugins and settings."""
    return SimulatePricesCall(zeep_erp.client, zeep_erp.profile.binding_qname, zeep_erp.endpoint, WSDL)
