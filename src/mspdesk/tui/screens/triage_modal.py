"""The triage dialog: score the rubric's criteria, then record a decision and its reason.

Everything works from the keyboard: 0-3 score a criterion and move on, a/s/d/r choose the
decision and jump to the reason, Ctrl+S saves through `desk.triage.decide`, Escape cancels.
Problems are shown next to their field and nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events, on
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    Input,
    Label,
    RadioButton,
    RadioSet,
    Select,
    SelectionList,
    Static,
)
from textual.widgets.selection_list import Selection

from mspdesk.domain.choices import Decision, ReferOnTo
from mspdesk.domain.parsing import parse_date
from mspdesk.domain.triage import Score, TriageDecision, score, suggested_band
from mspdesk.tui.screens.form import FormScreen, form_buttons
from mspdesk.tui.widgets.key_bar import KeyBar
from mspdesk.tui.widgets.record_table import printable
from mspdesk.tui.widgets.rubric_scorer import RubricScorer

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from mspdesk.desk import Desk
    from mspdesk.domain.referral import Referral
    from mspdesk.domain.triage import Rubric

DECISION_KEYS = {
    "a": Decision.ACCEPT,
    "s": Decision.SIGNPOST,
    "d": Decision.DECLINE,
    "r": Decision.REFER,
}
# Where each field's problems are shown; anything else goes under the form.
ERROR_PLACES = {
    "decision": "decision",
    "reason": "reason",
    "revisit_on": "revisit",
    "--revisit": "revisit",
    "signpost_pages": "pages",
    "refer_to": "refer",
    "refer_to_other": "refer",
    "scores": "scores",
    "score": "scores",
}
# The widget to focus for a problem in each place, so the adviser lands on it.
FOCUS_FOR = {
    "decision": "#triage-decision",
    "reason": "#triage-reason",
    "revisit": "#triage-revisit",
    "pages": "#triage-pages",
    "refer": "#triage-refer-to",
    "scores": "#triage-scorer",
}


def triage_draft_key(referral_id: str) -> str:
    """Where an unsaved triage of `referral_id` is kept (beside the note drafts)."""
    return f"triage-{referral_id}"


def draft_scores(draft: Mapping[str, Any]) -> dict[str, int]:
    """The scores in a triage draft (anything else in it ignored)."""
    scores = draft.get("scores")
    if not isinstance(scores, dict):
        return {}
    return {str(k): v for k, v in scores.items() if isinstance(v, int) and 0 <= v <= 3}


SHORT_HEIGHT = 32
"""Below this many rows the dialog's header lines are cut to one line each."""


class TriageModal(FormScreen[TriageDecision | None]):
    """Triage one referral; dismisses with the saved decision, or None when cancelled."""

    discard_title = "Discard this triage?"
    discard_message = "The scores and reason you entered have not been saved."
    discard_no = "Keep triaging"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "decide('accept')", "Accept", tooltip="Accept into the programme"),
        Binding("s", "decide('signpost')", "Signpost", tooltip="Signpost and revisit"),
        Binding("d", "decide('decline')", "Decline"),
        Binding("r", "decide('refer')", "Refer on", tooltip="Refer on elsewhere"),
    ]

    def __init__(
        self,
        referral: Referral,
        rubric: Rubric,
        desk: Desk,
        *,
        draft: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.referral = referral
        self.rubric = rubric
        self.desk = desk
        self.draft = dict(draft or {})
        """A triage left unsaved (a crash, a kill): its scores and reason are offered back."""
        self.decision: Decision | None = None
        self._prefilled_revisit = ""
        self._offered_pages: list[str] = []

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        referral = self.referral
        with Vertical(id="triage-dialog"):
            title = Text(f"Triage {referral.id}  ", style="bold")
            title.append(printable(referral.organisation))
            yield Static(title, id="triage-title")
            facts = " · ".join(
                (
                    printable(referral.parent_body),
                    referral.route.label,
                    referral.proposed_model.label,
                    f"received {referral.received:%d %b %Y}",
                )
            )
            yield Static(Text(facts), id="triage-facts")
            if not referral.in_scope:
                yield Static(Text(self._scope_flag()), id="triage-scope-flag")
            yield Static(id="triage-score")
            with Horizontal(id="triage-body"):
                # Not focusable themselves: Tab goes from the scorer straight to the decision.
                with VerticalScroll(id="triage-scoring", can_focus=False):
                    yield RubricScorer(
                        self.rubric, scores=draft_scores(self.draft), id="triage-scorer"
                    )
                    yield Static(id="triage-scores-error", classes="triage-error")
                with VerticalScroll(id="triage-form", can_focus=False):
                    yield from self._compose_form()
            yield form_buttons("triage-", container_id="triage-buttons")
        yield KeyBar()

    def _compose_form(self) -> ComposeResult:
        yield Label("Decision", classes="triage-label")
        with RadioSet(id="triage-decision"):
            for key, decision in DECISION_KEYS.items():
                yield RadioButton(Text(f"{decision.label}  [{key}]"), id=f"decide-{decision.value}")
        yield Static(id="triage-decision-error", classes="triage-error")
        yield Label("Reason (required)", classes="triage-label")
        yield Input(placeholder="Why this decision…", id="triage-reason")
        yield Static(id="triage-reason-error", classes="triage-error")
        with Vertical(id="triage-signpost"):
            yield Label("Revisit on", classes="triage-label")
            yield Input(placeholder="2013-06-30 or 30/06/2013", id="triage-revisit")
            yield Static(id="triage-revisit-error", classes="triage-error")
            yield Label("Guidance pages to point them to (Space ticks)", classes="triage-label")
            yield SelectionList[str](id="triage-pages")
            yield Static(id="triage-pages-error", classes="triage-error")
        with Vertical(id="triage-refer"):
            yield Label("Refer to", classes="triage-label")
            yield Select[str](
                [(Text(place.label), place.value) for place in ReferOnTo],
                prompt="Where to…",
                id="triage-refer-to",
            )
            yield Input(placeholder="Where, when Other", id="triage-refer-other")
            yield Static(id="triage-refer-error", classes="triage-error")
        yield Static(id="triage-general-error", classes="triage-error")

    def on_resize(self, event: events.Resize) -> None:
        # A short terminal: one line each for the facts and the scope note, so the rubric
        # keeps room for a whole criterion and Save stays on screen.
        self.set_class(event.size.height < SHORT_HEIGHT, "-short")

    def on_mount(self) -> None:
        self.set_class(self.app.size.height < SHORT_HEIGHT, "-short")
        if self.draft:
            reason = self.draft.get("reason")
            if isinstance(reason, str):
                self.query_one("#triage-reason", Input).value = reason
            count = len(draft_scores(self.draft))
            self.notify(
                f"{count} score{'s' if count != 1 else ''} from a triage left unsaved "
                f"(at {str(self.draft.get('saved_at', ''))[:16].replace('T', ' ')}) are back. "
                "Esc discards them.",
                title="Draft triage",
                timeout=8,
                markup=False,
            )
        self._show_decision_fields()
        self._update_score()
        self.query_one(RubricScorer).focus()

    def _scope_flag(self) -> str:
        text = (
            f"Outside the programme's scope: {self.referral.scope.reason}"
            " It can still be recorded and referred on, and is counted separately."
        )
        if self.rubric.out_of_scope_band:
            band = self.rubric.band(self.rubric.out_of_scope_band)
            text += f" Suggested: {band.decision.label.lower()}."
        return text

    # ------------------------------------------------------------------ scoring

    def _result(self) -> Score | None:
        scores = self.query_one(RubricScorer).scores
        return score(scores, self.rubric) if scores else None

    def _update_score(self) -> None:
        result = self._result()
        self.query_one("#triage-score", Static).update(self._score_line(result))
        self._offer_pages(result)
        self._refresh_revisit(result)

    def _score_line(self, result: Score | None) -> Text:
        count = len(self.rubric.criteria)
        band = suggested_band(self.rubric, result, self.referral.in_scope)
        if result is None:
            line = Text(f"Not scored yet (0 of {count}) · 0-3 to score, or decide unscored · ")
        else:
            scored = count - len(result.missing)
            line = Text(f"Score {result.total}/{result.maximum} · {result.percent:g}% · ")
            line.append(f"{scored} of {count} scored · ")
        if band is None:
            line.right_crop(3)  # the trailing " · "
        else:
            floor = "at least " if result is not None and result.missing else ""
            line.append(f"band: {floor}")
            line.append(band.title, style="bold")
            line.append(f" → suggests {band.decision.label.lower()}")
            if result is not None and result.capped_by:
                line.append(f" (held down: {self._title(result.capped_by)} scored 0)")
        return line

    def _title(self, key: str) -> str:
        """A criterion as the adviser reads it on the form, not its rubric key."""
        return next((c.title for c in self.rubric.criteria if c.key == key), key)

    def _offer_pages(self, result: Score | None) -> None:
        """Guidance from the suggested band and from the criteria that scored 0 or 1."""
        band = suggested_band(self.rubric, result, self.referral.in_scope)
        if band is None:
            band = next((b for b in self.rubric.bands if b.decision == Decision.SIGNPOST), None)
        pages = list(band.guidance) if band else []
        for criterion in self.rubric.criteria:
            if result is not None and result.scores.get(criterion.key, 3) <= 1:
                pages += criterion.guidance
        offered = list(dict.fromkeys(pages))
        chooser: SelectionList[str] = self.query_one("#triage-pages", SelectionList)
        chosen = set(chooser.selected)
        # Pages ticked earlier stay on offer (and ticked); nothing is ticked for the adviser.
        offered += sorted(chosen - set(offered))
        if offered == self._offered_pages:
            return
        self._offered_pages = offered
        titles = self.desk.triage.page_titles(offered)
        chooser.clear_options()
        chooser.add_options(
            [Selection(Text(titles[slug]), slug, slug in chosen) for slug in offered]
        )
        if offered:
            chooser.highlighted = 0  # so Space ticks at once when the list gets focus

    def _refresh_revisit(self, result: Score | None) -> None:
        """Prefill the revisit date from the band, unless the adviser typed their own."""
        box = self.query_one("#triage-revisit", Input)
        if box.value and box.value != self._prefilled_revisit:
            return
        complete = result if result is not None and result.complete else None
        self._prefilled_revisit = self.desk.triage.suggested_revisit(complete).isoformat()
        box.value = self._prefilled_revisit

    @on(RubricScorer.Changed)
    def _scores_changed(self) -> None:
        self._update_score()
        self._keep_draft()

    @on(Input.Changed, "#triage-reason")
    def _reason_changed(self) -> None:
        self._keep_draft()

    def _keep_draft(self) -> None:
        """Every score is on disk as soon as it is given: a crash loses none of them."""
        scores = self.query_one(RubricScorer).scores
        reason = self.query_one("#triage-reason", Input).value
        if not scores and not reason.strip():
            self.desk.notes.discard_draft(triage_draft_key(self.referral.id))
            return
        payload = {"kind": "triage", "subject": self.referral.id, "scores": scores}
        self.desk.notes.save_draft(triage_draft_key(self.referral.id), payload | {"reason": reason})

    @on(RubricScorer.Finished)
    def _scoring_done(self) -> None:
        self.query_one("#triage-decision", RadioSet).focus()

    # ------------------------------------------------------------------ deciding

    def action_decide(self, value: str) -> None:
        decision = Decision(value)
        self.query_one(f"#decide-{decision.value}", RadioButton).value = True
        self._set_decision(decision)
        self.query_one("#triage-reason", Input).focus()

    @on(RadioSet.Changed, "#triage-decision")
    def _decision_picked(self, event: RadioSet.Changed) -> None:
        button_id = event.pressed.id or ""
        self._set_decision(Decision(button_id.removeprefix("decide-")))

    def _set_decision(self, decision: Decision) -> None:
        self.decision = decision
        self.query_one("#triage-decision-error", Static).update("")
        self._show_decision_fields()

    def _show_decision_fields(self) -> None:
        self.query_one("#triage-signpost").display = self.decision == Decision.SIGNPOST
        self.query_one("#triage-refer").display = self.decision == Decision.REFER

    # ------------------------------------------------------------------ saving

    def action_save(self) -> None:
        self._clear_errors()
        # Checked here first so every problem shows at once, not one per Ctrl+S.
        problems: list[tuple[str, str]] = []
        if self.decision is None:
            problems.append(("decision", "choose one: a accept, s signpost, d decline, r refer"))
        if not self.query_one("#triage-reason", Input).value.strip():
            problems.append(("reason", "required; say why this decision was made"))
        result = self._result()
        if result is not None and result.missing:
            missing = ", ".join(self._title(key) for key in result.missing)
            problems.append(("scores", f"score every criterion or none; missing {missing}"))
        revisit = None
        if self.decision == Decision.SIGNPOST:
            try:
                revisit = parse_date(self.query_one("#triage-revisit", Input).value)
            except ValueError as error:
                problems.append(("revisit_on", str(error)))
        if problems or self.decision is None:
            self.show_problems(problems)
            return
        decision = self.decision
        made = self.attempt(
            lambda: self.desk.triage.decide(
                self.referral.id,
                decision,
                self.query_one("#triage-reason", Input).value,
                scores=self.query_one(RubricScorer).scores or None,
                signpost_pages=self._chosen_pages(),
                revisit_on=revisit,
                refer_to=self._refer_to(),
                refer_to_other=self._refer_to_other(),
            )
        )
        if made is None:
            return
        self.desk.notes.discard_draft(triage_draft_key(self.referral.id))
        self.dismiss(made)

    def _chosen_pages(self) -> list[str]:
        if self.decision != Decision.SIGNPOST:
            return []
        chooser: SelectionList[str] = self.query_one("#triage-pages", SelectionList)
        return list(chooser.selected)

    def _refer_to(self) -> str | None:
        if self.decision != Decision.REFER:
            return None
        value = self.query_one("#triage-refer-to", Select).value
        return value if isinstance(value, str) else None

    def _refer_to_other(self) -> str:
        if self._refer_to() != ReferOnTo.OTHER.value:
            return ""
        return self.query_one("#triage-refer-other", Input).value

    def _clear_errors(self) -> None:
        for box in self.query(".triage-error").results(Static):
            box.update("")

    def show_problems(self, problems: Sequence[tuple[str, str]]) -> None:
        """Each problem under its field; focus goes to the first field with one."""
        found: dict[str, list[str]] = {}
        for field, message in problems:
            place = ERROR_PLACES.get(field.split(".")[0], "general")
            prefix = f"{field}: " if place in ("scores", "general") and field else ""
            found.setdefault(place, []).append(prefix + message)
        for place, messages in found.items():
            self.query_one(f"#triage-{place}-error", Static).update(Text("; ".join(messages)))
        for place in FOCUS_FOR:
            if place in found:
                self.query_one(FOCUS_FOR[place]).focus()
                break
        self.notify("Not saved: see the messages in red.", severity="error", timeout=4)

    # ------------------------------------------------------------------ leaving

    def changed(self) -> bool:
        typed = self.query_one("#triage-reason", Input).value.strip()
        return bool(self.query_one(RubricScorer).scores or typed)

    def discarded(self) -> None:
        self.desk.notes.discard_draft(triage_draft_key(self.referral.id))

    def action_cancel(self) -> None:
        self.action_leave()
