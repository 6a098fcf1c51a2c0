"""Opt-in, anonymous usage records and the figures maintainers read from them."""
