"""Sage X3 connector: the generic CAdxWebServiceXmlCC web service (SOAP 1.1 rpc/encoded)."""
