"""Sage X3 dialect of the simulator: the generic CAdxWebServiceXmlCC web service (SOAP rpc/encoded)."""
