"""The connector for the reference contract `wsdl/erp.wsdl` (erpsim's reference dialect), on zeep."""
