"""The app's widgets: they only draw what they are given; the app decides what that is.

Every text arrives as a :class:`~troubleshooter.i18n.Text` or is looked up with ``tr`` at
render time, so a language switch is one re-render.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.text import Text as RichText
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Button, Input, Static

from troubleshooter.i18n import Lang, Text, tr
from troubleshooter.probes.outcome import StageResult

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


class TopBar(Static):
    """Flow title and language on the first line, the breadcrumb of the path on the second.

    Laid out in ``render`` from the widget's real width: the content may arrive before the
    first layout (or the terminal may be resized), and the language tag must stay right-aligned.
    """

    heading: reactive[tuple[str, Lang, tuple[str, ...]] | None] = reactive(None)  # repainted on change

    def show(self, flow_title: str, lang: Lang, crumbs: list[str]) -> None:
        self.heading = (flow_title, lang, tuple(crumbs))

    def render(self) -> RichText:
        if self.heading is None:
            return RichText(" …")
        flow_title, lang, crumbs = self.heading
        width = max(20, self.content_size.width - 2)
        head = RichText(f" {flow_title}", style="bold")
        tag = f"[{lang.upper()} · {tr('app.lang-name', lang)}] "
        head.append(" " * max(1, width - len(head) - len(tag) + 1))
        head.append(tag, style="bold")
        shown: list[str] = []
        for crumb in reversed(crumbs):
            if sum(len(c) + 3 for c in shown) + len(crumb) > width - 4:
                shown.append("…")
                break
            shown.append(crumb)
        trail = RichText(" ")
        for index, crumb in enumerate(reversed(shown)):
            if index:
                trail.append(" › ", style="dim")
            trail.append(crumb, style="bold" if index == len(shown) - 1 else "")
        return RichText("\n").join([head, trail])


def bubble(who: str, body: str, *, user: bool = False, style: str = "") -> Static:
    """One line of the chat: the guide's text on the left, the user's answer indented."""
    content = RichText()
    content.append(f"{who}: ", style="bold green" if user else "bold cyan")
    content.append(body, style=style)
    return Static(content, classes="user" if user else "bot")


class KeyBar(Static):
    """The keys line at the bottom, in the current language; a click on a key runs it.

    Textual's Footer mounts a widget per key and recomposes on every focus change: about
    0.2 s of the first screen. This is one line of text, redrawn when the keys change.
    """

    def show(self, keys: list[tuple[str, str, str]]) -> None:
        """``keys``: (key as shown, action, description)."""
        parts: list[Content | tuple[str, str] | str] = []
        for shown, action, description in keys:
            target = action if "." in action else f"screen.{action}"
            parts.append((f" {shown} ", f"@click={target}"))  # coloured by link-* in app.tcss
            parts.append(f"{description} ")
        self.update(Content.assemble(*parts))


Stages = tuple[tuple[str, StageResult | None], ...]  # (stage, its result or None while it runs)
BLANK = Text("", "")


class ProbePanel(Static):
    """A probe's stages as they run: spinner while running, ✓/✗ with milliseconds when done.

    What it shows is its reactive attributes, drawn by :meth:`render` in the app's language;
    a change of either repaints it (a language switch mid-check included)."""

    title: reactive[Text] = reactive(BLANK, layout=True)
    footer: reactive[Text] = reactive(BLANK, layout=True)
    stages: reactive[Stages] = reactive((), layout=True)
    frame: reactive[int] = reactive(0)  # the spinner's, advanced by a timer while a check runs

    def __init__(self, *, carry: ProbePanel | None = None, **kwargs) -> None:
        """``carry``: the panel this one replaces on the same node (keeps "cancelled", the stages)."""
        super().__init__(**kwargs)
        self.ends: float | None = None  # when the check gives up (monotonic): the countdown
        if carry is not None and carry.is_mounted:
            self.set_reactive(ProbePanel.stages, tuple((name, result) for name, result in carry.stages
                                                       if result is not None))
            self.set_reactive(ProbePanel.title, carry.title)
            self.set_reactive(ProbePanel.footer, carry.footer)

    def on_mount(self) -> None:
        self.spinner = self.set_interval(0.1, self.advance, pause=True)
        self.watch(self.app, "lang", self._lang_switched, init=False)

    def _lang_switched(self) -> None:
        self.refresh(layout=True)  # the texts' lengths change

    def begin(self, title: Text, running: Text, deadline: float | None = None) -> None:
        """A check starts; ``deadline``: seconds it may take at most (shown counting down)."""
        self.stages, self.title, self.footer = (), title, running
        self.ends = time.monotonic() + deadline if deadline else None
        self.spinner.resume()

    def on_stage(self, stage: str, state: str, result: StageResult | None) -> None:
        stages = list(self.stages)
        if state == "start":
            stages.append((stage, None))
        else:
            for index in range(len(stages) - 1, -1, -1):
                if stages[index][0] == stage and stages[index][1] is None:
                    stages[index] = (stage, result)
                    break
            else:
                stages.append((stage, result))
        self.stages = tuple(stages)

    def finish(self, footer: Text) -> None:
        self.spinner.pause()
        self.ends = None
        self.stages = tuple((name, result) for name, result in self.stages if result is not None)
        self.footer = footer

    def advance(self) -> None:
        self.frame += 1

    def render(self) -> RichText:
        lang = self.app.lang
        title, footer = self.title.get(lang), self.footer.get(lang)
        if not (title or footer or self.stages):
            return RichText()
        out = RichText(title + "\n", style="bold")
        for name, result in self.stages:
            out.append_text(stage_line(name, result, lang, SPINNER[self.frame % len(SPINNER)]))
            out.append("\n")
        waiting = next((name for name, result in reversed(self.stages) if result is None), None)
        if waiting and self.ends is not None:  # what we wait for, and for how long at most
            from troubleshooter.probes.result_text import stage_name

            left = max(1, round(self.ends - time.monotonic()))
            out.append(tr("result.waiting", lang, what=stage_name(waiting, lang), seconds=left) + "\n",
                       style="yellow")
        if footer:
            out.append(footer, style="italic")
        return out


def stage_line(name: str, result: StageResult | dict | None, lang: Lang, spinner: str = "…") -> RichText:
    """A stage in the user's words (:mod:`troubleshooter.probes.result_text`), ✓/✗ coloured."""
    from troubleshooter.probes import result_text

    if result is None:
        return RichText.assemble(f"  {spinner} ", (result_text.stage_name(name, lang), "yellow"))
    ok = result.ok if isinstance(result, StageResult) else bool(result.get("ok"))
    said = result_text.stage_line(result, lang)
    return RichText.assemble((f"  {said[0]}", "green" if ok else "red"), said[1:])


class SayButton(Button):
    """A button that posts a typed message when pressed (``says`` makes a fresh one each time)."""

    def __init__(self, label: str, says: Callable[[], Message], **kwargs) -> None:
        super().__init__(label, compact=True, **kwargs)
        self.says = says

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.says())


class ChoiceButton(Button):
    """A numbered choice of the answer area, relabelled when the app's language changes: the
    answer area is not rebuilt while a check runs (its panel is the check's), its choices are."""

    def __init__(self, number: int, caption: Text, lang: Lang, says: Callable[[], Message] | str) -> None:
        """``says``: the message it posts, or the action it runs (a key's)."""
        self.number, self.caption = number, caption
        self.says = None if isinstance(says, str) else says
        super().__init__(self._label(lang), action=says if isinstance(says, str) else None,
                         compact=True, classes="choice")

    def _label(self, lang: Lang) -> str:
        prefix = f"{self.number} " if self.number <= 9 else "  "
        return f"{prefix} {self.caption.get(lang)}"

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self._lang_switched, init=False)

    def _lang_switched(self, lang: Lang) -> None:
        self.label = self._label(lang)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if self.says is not None:
            event.stop()
            self.post_message(self.says())


class ValueInput(Input):
    """The answer field. ``/`` in an empty field goes to the question box (as it does
    everywhere else); in a non-empty field it is just a character."""

    BINDINGS = [Binding("slash", "question", show=False, priority=True)]

    def __init__(self, value: str | None = None, *, node_ref: object = None, **options) -> None:
        super().__init__(value, **options)
        self.node_ref = node_ref  # the node this field answers: its value is stamped with it

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action == "question" and self.value)  # False: the key goes on to the field

    def action_question(self) -> None:
        self.screen.query_one("#ask", Input).focus()


# the settings finder's card: a letter per value copies it (letters the app does not use;
# the same in both languages, so the hands learn them once)
COPY_KEYS: tuple[tuple[str, str], ...] = (("h", "host"), ("p", "port"), ("s", "encryption"),
                                          ("u", "username"), ("m", "sender"))


def copy_value(card: dict, field: str, lang: Lang) -> str:
    """What the website's form wants for ``field``: the encryption as the form names it."""
    if field == "encryption" and card.get("encryption") == "none":
        return tr("finder.encryption.none", lang)
    return str(card.get(field, ""))


def finder_card(facts: dict, lang: Lang, *, with_keys: bool) -> list:
    """The ``find-settings`` result in the chat: the search steps, the card with the evidence per
    value, rejected candidates, typed-vs-found differences; copy buttons for the latest card."""
    from troubleshooter.probes.finder_card import result_lines

    found: list = [Static(RichText("\n".join(result_lines(facts, lang, ids=False))), classes="finder-card")]
    card = facts.get("card")
    if card and with_keys:
        for key, field in COPY_KEYS:
            label = tr("app.copy-button", lang, key=key, field=tr(f"finder.field.{field}", lang),
                       value=copy_value(card, field, lang))
            found.append(Button(label, action=f"screen.copy('{field}')", compact=True, classes="copy"))
    return found
