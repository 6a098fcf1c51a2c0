"""Live checks of DNS and SMTP servers. UI-free, asyncio, bounded by a total deadline."""
