"""claimtrack: hold public figures to what they said, and to when they said it would happen."""

__version__ = "0.1.0"
