"""erpsim spoken the way Dynamics NAV publishes pages and codeunits."""
