"""newsdesk: what many news articles agree on, where they conflict, and which copies are not independent."""

__version__ = "0.1.0"
