"""The Textual app: the conversation in the terminal (the only package that imports Textual)."""
