"""Reference legacy ERP simulator: a SOAP 1.1 sales service (wsdl/erp.wsdl) plus a JSON control API."""

from erpsim.app import Simulator, make_app
from erpsim.config import SimConfig
from erpsim.server import SimulatorProcess, SimulatorServer, start_subprocess

__all__ = ["SimConfig", "Simulator", "SimulatorProcess", "SimulatorServer", "make_app", "start_subprocess"]
