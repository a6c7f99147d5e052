"""Pathway templates: the ordered milestones a case follows on its route to spin-out.

A template milestone hangs from the case start (`after = "start"`) or from another milestone
(`after = "M05"`), with a default planning offset in days. Offsets may be negative: TUPE's
employee liability information (M10) is due 28 days *before* transfer (M15), so M10 hangs from
M15 with `offset_days = -28` even though it is listed first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from mspdesk.domain.choices import Choice, ProposedModel, Route
from mspdesk.domain.errors import InvalidRecord, NotFound
from mspdesk.domain.toml_text import load_toml, problems_with_lines, table_line

START = "start"
"""The `after` value for milestones that hang from the case start date."""

CODE = re.compile(r"^[A-Z]{1,3}\d{2}$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _choice(kind: type[Choice]) -> BeforeValidator:
    def parse(value: Any) -> Any:
        if isinstance(value, str) and not isinstance(value, kind):
            return kind.parse(value)
        return value

    return BeforeValidator(parse)


class MilestoneTemplate(BaseModel):
    """One milestone as a pathway describes it, before any case dates exist."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    code: str
    title: Annotated[str, Field(min_length=1, max_length=200)]
    after: str = START
    offset_days: Annotated[int, Field(ge=-3650, le=3650)] = 0
    done_when: Annotated[str, Field(max_length=500)] = ""
    guidance: tuple[str, ...] = ()

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        if not CODE.match(value):
            raise ValueError(f"{value!r} is not a milestone code like M05 or C02")
        return value

    @field_validator("after")
    @classmethod
    def _after(cls, value: str) -> str:
        if value != START and not CODE.match(value):
            raise ValueError(f"{value!r} must be 'start' or a milestone code like M05")
        return value

    @field_validator("guidance")
    @classmethod
    def _slugs(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for slug in value:
            if not SLUG.match(slug):
                raise ValueError(f"{slug!r} is not a guidance slug like social-value-act")
        return value


class Pathway(BaseModel):
    """A route's milestone template. `milestones` keeps the order advisers see."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    key: str
    title: Annotated[str, Field(min_length=1, max_length=200)]
    route: Annotated[Route, _choice(Route)]
    description: Annotated[str, Field(max_length=5000)] = ""
    models: tuple[Annotated[ProposedModel, _choice(ProposedModel)], ...] = ()
    """Proposed models this pathway is chosen for whatever the route (e.g. multi-stakeholder)."""
    milestones: Annotated[tuple[MilestoneTemplate, ...], Field(min_length=1)]

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        if not SLUG.match(value):
            raise ValueError(f"{value!r} must be lower-case words joined by hyphens")
        return value

    def template(self, code: str) -> MilestoneTemplate:
        """The milestone template with `code`; NotFound if the pathway has none."""
        for milestone in self.milestones:
            if milestone.code == code:
                return milestone
        raise NotFound(f"pathway {self.key} has no milestone {code}")


def parse_pathway(text: str, name: str) -> Pathway:
    """The pathway in TOML `text` (from the file called `name`).

    The file has top-level `key`, `title`, `route`, `description`, optional `models`, and one
    `[[milestone]]` table per milestone. Raises InvalidRecord naming `name`, the line and the
    field for syntax errors, bad fields, duplicate codes, unknown `after` codes and cycles.
    """
    raw = dict(load_toml(text, f"pathway {name}"))
    # TOML authors write [[milestone]] (singular, one table each); the model holds a tuple.
    raw["milestones"] = raw.pop("milestone", ())
    try:
        pathway = Pathway.model_validate(raw)
    except ValidationError as error:
        problems = problems_with_lines(error, text, "milestone", "milestones")
        raise InvalidRecord(problems, f"pathway {name}") from None
    stem = name.rsplit("/", 1)[-1].removesuffix(".toml")
    if name.endswith(".toml") and pathway.key != stem:
        raise InvalidRecord(
            [("key", f"{pathway.key!r} must match the file name {stem!r}")], f"pathway {name}"
        )
    order = dependency_problems(pathway.milestones)
    if order:
        raise InvalidRecord(
            [(_milestone_line(text, pathway, index), message) for index, message in order],
            f"pathway {name}",
        )
    return pathway


def _milestone_line(text: str, pathway: Pathway, index: int) -> str:
    where = f"milestone {pathway.milestones[index].code}"
    line = table_line(text, "milestone", index)
    return f"line {line}, {where}" if line is not None else where


def dependency_problems(milestones: Iterable[MilestoneTemplate]) -> list[tuple[int, str]]:
    """(position, message) for duplicate codes, unknown `after` codes and dependency cycles."""
    listed = list(milestones)
    problems: list[tuple[int, str]] = []
    parents: dict[str, str] = {}
    first_at: dict[str, int] = {}
    for index, milestone in enumerate(listed):
        if milestone.code in parents:
            problems.append((index, f"duplicate code {milestone.code}; each needs its own"))
            continue
        parents[milestone.code] = milestone.after
        first_at[milestone.code] = index
    for code, after in parents.items():
        if after != START and after not in parents:
            problems.append((first_at[code], f"after {after!r} is not a milestone here"))
    problems.extend((first_at[code], message) for code, message in cycle_problems(parents))
    return problems


def cycle_problems(parents: dict[str, str]) -> list[tuple[str, str]]:
    """(code, message) for each dependency cycle among `parents` (code -> after), once each."""
    reported: set[str] = set()
    problems: list[tuple[str, str]] = []
    for code in parents:
        path: list[str] = []
        current = code
        while current in parents and current not in path:
            path.append(current)
            current = parents[current]
        if current not in path:
            continue  # the chain reached "start" or an unknown code, not a loop
        loop = path[path.index(current) :]
        if reported.isdisjoint(loop):
            reported.update(loop)
            chain = " -> ".join([*loop, current])
            problems.append((loop[0], f"milestones depend on each other in a loop: {chain}"))
    return problems


def pathway_for(
    route: Route, proposed_model: ProposedModel, pathways: Iterable[Pathway]
) -> Pathway:
    """The pathway a new case should follow.

    A pathway that names the proposed model in `models` wins (multi-stakeholder co-operatives
    follow the co-op pathway whatever their route); otherwise the first pathway for the route
    that names no models; route "other" falls back to the commissioner-led spin-out.
    """
    available = list(pathways)
    for pathway in available:
        if proposed_model in pathway.models:
            return pathway
    wanted = Route.COMMISSIONER_LED if route is Route.OTHER else route
    for pathway in available:
        if pathway.route is wanted and not pathway.models:
            return pathway
    raise NotFound(f"no pathway for route {route.value!r}; add one under content/pathways/")
