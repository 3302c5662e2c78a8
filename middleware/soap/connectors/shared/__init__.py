"""What every connector shares: HTTP session and auth, transport errors, WSDL loading, message recording."""
