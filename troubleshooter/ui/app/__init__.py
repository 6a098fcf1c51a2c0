"""The Textual app: the conversation in the terminal (the only package that imports Textual).

How it is organised — where to add things:

- ``app.py`` — :class:`TroubleshooterApp`: loads the content (worker), holds the language
  (reactive ``lang``; the screen watches it), runs the app-wide commands (help, language,
  export, reload, the command palette). ``main.py`` starts it (``run_app``); ``crash.py`` keeps
  secrets out of a crash report.
- ``screen.py`` — :class:`ConversationScreen`: the layout, the conversation keys (bindings
  from ``keys.py``; actions without ``app.`` are the screen's), links (``Follow``), the
  question box's answers, the top bar, the article shown and the key line.
- ``conversation_pane.py`` — :class:`ConversationPane` (``app.conversation``): the engine's
  session, the chat and the answer area; handles a choice, a typed value, a check's end. New
  conversation behaviour goes here.
- ``chat.py`` — what the chat shows, derived from the session: a record per block (step,
  asides, the settings card) in the chat log's reactive ``blocks``; a block is recomposed when
  its record changes. ``answer.py`` — the answer area's widgets for a node (field, probe
  panel, numbered choices). ``probe_run.py`` — runs a node's check as a worker.
- ``question_box.py`` — the ``/`` box: asks the knowledge base / explainer in a worker;
  ``paste_area.py`` — a multi-line paste (question box or paste step).
- ``usage_log.py`` — the opt-in usage record the conversation pane feeds.
- ``article_pane.py`` — the article beside the conversation (loads the articles itself).
- ``messages.py`` — the typed messages widgets post; a button posts one (``SayButton``,
  ``ChoiceButton``) or runs a key's action, never a string-prefixed id.
- ``widgets.py`` — small drawing widgets (top bar, key line, probe panel, buttons); the probe
  panel and the choices follow the app's ``lang`` themselves (a check's panel is never rebuilt).
- ``dialogs.py`` — modal screens (help, export, resume, errors). ``services.py`` — articles,
  the question box's answers and link routing, UI-free. ``served.py`` — what changes under
  ``troubleshooter serve``. ``state.py`` — the saved unfinished conversation.
"""
