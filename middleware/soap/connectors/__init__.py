"""ERP connectors: one folder per ERP family implementing `ports.erp.Erp`, shared pieces in `shared/`."""
