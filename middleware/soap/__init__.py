"""SOAP adapters: the zeep client for the ERP and the spyne service the ERP calls. ERP names live here only."""
