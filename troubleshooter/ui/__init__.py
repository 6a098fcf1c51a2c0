"""Front ends. They render what the engine says and hand answers back; nothing more."""
