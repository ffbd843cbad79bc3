"""Writes of the registry itself: model proposals from upstream refreshes, and accepting or rejecting them.

A refresh never creates a model. It proposes one (ModelProposal) when an upstream lists an id no model holds
and the upstream's organisation names a known lab; an admin accepts (which creates the AIModel, with the
upstream id as its alias) or rejects it (and that upstream id is never proposed again).
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django_countries import countries

from models_registry.models import AIModel, Lab, ModelProposal, SourceRun, alias_owners

# Accepting a proposal creates an AIModel, so the interfaces that accept (API, admin) require the permission to add
# one as well as the proposal's change permission: deciding on proposals must not be a way around `add_aimodel`.
ACCEPT_PERMISSION = "models_registry.add_aimodel"
ACCEPT_REFUSED = (
    "Accepting a proposal creates a model, which needs the permission to add AI models "
    f"({ACCEPT_PERMISSION}) as well as to change model proposals."
)

_SPACES = re.compile(r"\s+")
_NOT_SLUG = re.compile(r"[^a-z0-9.]+")


@dataclass(frozen=True)
class ProposalCandidate:
    """A model an upstream knows: its id there, a display name, and the organisation / country it gives."""

    upstream_id: str
    name: str
    organization: str = ""
    country: str = ""  # a country name or ISO code, as the upstream gives it
    release_date: date | None = None
    # The upstream's other ids of the same model (Epoch: the other versions of its release group). A proposal
    # or alias of any of them stands for this candidate too, so a group rejected once stays rejected.
    other_ids: tuple[str, ...] = ()

    @property
    def upstream_ids(self) -> list[str]:
        return [self.upstream_id, *self.other_ids]


def _key(text: str) -> str:
    return _SPACES.sub(" ", text.strip().lower())


def _name_keys(text: str) -> list[str]:
    """The whole name and its parts: `Z.ai (Zhipu AI)` -> `z.ai (zhipu ai)`, `z.ai`, `zhipu ai`."""
    whole = _key(text)
    parts = [_key(p) for p in re.split(r"[(),/]", text) if p.strip()]
    return [k for k in dict.fromkeys([whole, *parts]) if k]


class LabMatcher:
    """Finds the lab an upstream organisation name means: by slug, name (or a part of it in parentheses) or
    one of the lab's aliases, case-insensitively. A name two labs could claim matches neither. One query."""

    def __init__(self) -> None:
        self._exact: dict[str, int | None] = {}
        self._parts: dict[str, int | None] = {}
        for row in Lab.objects.values("id", "slug", "name", "aliases"):
            for text in [row["slug"], row["name"], *(row["aliases"] or [])]:
                self._claim(self._exact, _key(text), row["id"])
                for part in _name_keys(text)[1:]:
                    self._claim(self._parts, part, row["id"])

    @staticmethod
    def _claim(index: dict[str, int | None], key: str, lab_id: int) -> None:
        if key in index and index[key] != lab_id:
            index[key] = None  # claimed by two labs: ambiguous
        else:
            index.setdefault(key, lab_id)

    def match(self, organization: str) -> int | None:
        if not organization.strip():
            return None
        exact = self._exact.get(_key(organization))
        if exact is not None:
            return exact
        found = {self._exact.get(k) or self._parts.get(k) for k in _name_keys(organization)} - {None}
        return found.pop() if len(found) == 1 else None


def country_code(text: str) -> str:
    """An ISO 3166-1 alpha-2 code for a country name or code (`China`, `United States of America`, `CN`), or ""."""
    text = text.strip()
    if not text:
        return ""
    if len(text) == 2 and text.upper() in dict(countries):
        return text.upper()
    return countries.by_name(text) or ""


def model_proposals_record(*, candidates: Iterable[ProposalCandidate], run: SourceRun) -> list[str]:
    """Add a pending ModelProposal for each candidate whose organisation names a lab and that this source has
    not proposed before under any of its ids (whatever became of it: a rejected id is never proposed again), nor
    any model holds as an alias. Returns one line per proposal added (what `refresh --dry-run` prints).
    Queries: a constant handful, inside the run's transaction.
    """
    first: dict[str, ProposalCandidate] = {}
    for candidate in candidates:
        first.setdefault(candidate.upstream_id, candidate)  # an id listed twice is proposed once, as first listed
    candidates = list(first.values())
    if not candidates:
        return []
    every_id = [upstream_id for c in candidates for upstream_id in c.upstream_ids]
    taken = set(
        ModelProposal.objects.filter(source=run.source, upstream_id__in=every_id).values_list("upstream_id", flat=True)
    )
    held = alias_owners(every_id)  # an alias of a model already: nothing to propose
    matcher = LabMatcher()
    labs = dict(Lab.objects.values_list("id", "slug"))
    rows, lines = [], []
    for candidate in sorted(candidates, key=lambda c: c.upstream_id):
        if any(upstream_id in taken or upstream_id in held for upstream_id in candidate.upstream_ids):
            continue
        lab_id = matcher.match(candidate.organization)
        if lab_id is None:
            continue
        rows.append(
            ModelProposal(
                source=run.source,
                upstream_id=candidate.upstream_id[:300],
                name=(candidate.name.strip() or candidate.upstream_id)[:200],
                lab_id=lab_id,
                organization=candidate.organization.strip()[:200],
                country=country_code(candidate.country),
                release_date=candidate.release_date,
                source_run=run if run.pk else None,
            )
        )
        when = f", released {candidate.release_date}" if candidate.release_date else ""
        also = f", with {', '.join(candidate.other_ids)}" if candidate.other_ids else ""
        lines.append(f"? propose {candidate.upstream_id} as a model of {labs[lab_id]} ({rows[-1].name}{when}{also})")
    for row in rows:
        row._change_reason = f"proposed by the {run.source} refresh"
        row.save()  # a handful a day at most; save() keeps each one's history row
    return lines


def proposal_slug(name: str) -> str:
    """A model slug from a display name: `GPT-6 Sol` -> `gpt-6-sol`, `Claude Opus 4.7` -> `claude-opus-4.7`."""
    slug = _NOT_SLUG.sub("-", name.lower()).strip("-.")
    return re.sub(r"-{2,}", "-", slug)[:90] or "model"


def _free_slug(base: str) -> str:
    taken = set(AIModel.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)


@transaction.atomic
def model_proposal_accept(*, proposal_id: int, user: Any = None) -> AIModel:
    """Create the proposed AIModel (slug from the name, the proposal's lab and release date, the upstream id as
    its alias) and mark the proposal accepted, in one transaction; the history of both records `user`.

    ValidationError (nothing written) when the proposal is not pending, has no lab, its upstream id already
    belongs to a model, or its lab already has a model of that slug (most likely the same model under an id its
    aliases lack: add the id there, or rename the proposal). Another lab's model of that slug gets the next free one.
    """
    proposal = ModelProposal.objects.select_for_update().get(pk=proposal_id)
    if proposal.status != ModelProposal.Status.PENDING:
        raise ValidationError(f"{proposal.upstream_id}: already {proposal.status}")
    if proposal.lab_id is None:
        raise ValidationError(f"{proposal.upstream_id}: no lab; set the proposal's lab first")
    owners = alias_owners([proposal.upstream_id])
    if owners:
        raise ValidationError(f"{proposal.upstream_id}: already an alias of {owners[proposal.upstream_id]}")
    slug = proposal_slug(proposal.name)
    same = AIModel.objects.filter(slug=slug, lab_id=proposal.lab_id).first()
    if same is not None:
        raise ValidationError(
            f"{proposal.upstream_id}: {same.lab} already has {slug} ({same.name}); add {proposal.upstream_id!r} to "
            "its aliases, or give the proposal another name"
        )
    model = AIModel(
        slug=_free_slug(slug),
        name=proposal.name,
        lab_id=proposal.lab_id,
        release_date=proposal.release_date,
        aliases=[proposal.upstream_id],
        source_note=f"Accepted from the {proposal.source} proposal of upstream id {proposal.upstream_id}.",
    )
    model.full_clean()
    reason = f"accepted {proposal.source} proposal {proposal.upstream_id}"[:100]
    model._history_user, model._change_reason = user, reason
    model.save()
    proposal.status, proposal.model = ModelProposal.Status.ACCEPTED, model
    proposal._history_user, proposal._change_reason = user, reason
    proposal.save()
    return model


@transaction.atomic
def model_proposal_reject(*, proposal_id: int, user: Any = None) -> ModelProposal:
    """Mark a pending proposal rejected (its upstream id is not proposed again); ValidationError if not pending."""
    proposal = ModelProposal.objects.select_for_update().get(pk=proposal_id)
    if proposal.status != ModelProposal.Status.PENDING:
        raise ValidationError(f"{proposal.upstream_id}: already {proposal.status}")
    proposal.status = ModelProposal.Status.REJECTED
    proposal._history_user, proposal._change_reason = user, f"rejected {proposal.source} proposal"
    proposal.save()
    return proposal


def model_proposals_decide(
    *, proposals: QuerySet[ModelProposal] | Sequence[ModelProposal], accept: bool, user: Any = None
) -> tuple[int, list[str]]:
    """Accept or reject each of `proposals`, each in its own transaction (one refusal does not undo the others).
    Returns how many were decided and the reasons of the refused ones."""
    done, refused = 0, []
    decide = model_proposal_accept if accept else model_proposal_reject
    for proposal_id in [p.pk for p in proposals]:
        try:
            decide(proposal_id=proposal_id, user=user)
        except ValidationError as exc:
            refused.extend(exc.messages)
        else:
            done += 1
    return done, refused
