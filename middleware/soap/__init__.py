"""SOAP adapters: `service/` is the spyne service the ERP calls; `connectors/` one client per ERP family."""
