"""The knowledge base: bilingual help articles, the question box (``ask``) and rendering.

Nothing here imports Textual; the app renders articles with its own Markdown widget and
routes links through :func:`troubleshooter.knowledge.render.resolve_link`.
"""
