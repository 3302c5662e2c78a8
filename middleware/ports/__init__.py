"""Interfaces the core needs from the outside world (typing.Protocol, no implementation)."""
