"""What every upstream adapter shares: its records, its errors, and validation that needs no database.

An adapter (one module per upstream) has a `name`, a `url`, `fetch() -> Batch` (HTTP through
`pricing.sources.http.http_get`) and a pure `parse(payload) -> Batch`. A Batch holds the records that
passed validation and the ones refused with a reason; nothing here touches the ORM.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Generic, Protocol, TypeVar

from django.conf import settings

MTOK = Decimal(1_000_000)
MICRO = Decimal("0.000001")  # PricePoint stores USD per million tokens with 6 decimal places

R = TypeVar("R")


class SourceError(Exception):
    """The upstream answered with something unusable as a whole (HTTP 4xx, not JSON, wrong shape).

    Retrying will not help, so the run fails and nothing is written.
    """


class SourceUnavailable(SourceError):  # noqa: N818 (the name STYLE.md gives it)
    """The upstream could not be reached (timeout, connection error, 5xx) after in-process retries.

    A later retry may help: Celery tasks retry on this error, and only on this one. When raised by a
    refresh service, `run` is the failed SourceRun it recorded.
    """

    run = None


class RecordError(ValueError):
    """One upstream record is unusable; the message is the reason stored on the SourceRun."""


@dataclass(frozen=True)
class Rejection:
    upstream_id: str
    reason: str

    def as_json(self) -> dict[str, str]:
        return {"id": self.upstream_id, "reason": self.reason}


@dataclass
class Batch(Generic[R]):
    """What one fetch produced: valid records, and the records refused with their reasons."""

    records: list[R] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    def reject(self, upstream_id: Any, reason: str) -> None:
        self.rejected.append(Rejection(str(upstream_id)[:300], reason))


@dataclass(frozen=True)
class PriceQuote:
    """One upstream price of one API id at one provider, in USD per million tokens.

    `provider` is a registry Provider slug, `provider_model_id` the id that provider serves the model
    under; `upstream_id` is the id as the upstream lists it (what an admin sees on the run), and
    `aliases` the ids to look up in AIModel.aliases when no live offering carries `provider_model_id`.
    `cached_input_per_mtok` None means the upstream did not say.
    """

    provider: str
    provider_model_id: str
    upstream_id: str
    input_per_mtok: Decimal
    output_per_mtok: Decimal
    cached_input_per_mtok: Decimal | None = None
    context_window: int | None = None
    listed_on: date | None = None  # when the upstream started listing it (becomes available_from)
    aliases: tuple[str, ...] = ()
    note: str = ""  # how the price was read, when that is not plain (becomes the PricePoint's note)
    name: str = ""  # the upstream's display name, for a model proposal

    @property
    def offering_key(self) -> tuple[str, str]:
        return (self.provider, self.provider_model_id)


class Source(Protocol[R]):
    name: str
    url: str

    def fetch(self) -> Batch[R]: ...


def per_token_to_mtok(value: Any, what: str) -> Decimal:
    """A per-token price (decimal string or JSON number) as a validated USD-per-million Decimal.

    Raises RecordError for a missing, non-numeric, negative or absurd price (above PRICE_MAX_PER_MTOK).
    """
    if value is None or value == "":
        raise RecordError(f"missing {what}")
    if isinstance(value, bool):
        raise RecordError(f"{what} is not a number: {value!r}")
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise RecordError(f"{what} is not a number: {value!r}") from None
    if not number.is_finite():
        raise RecordError(f"{what} is not a finite number: {value!r}")
    if number < 0:
        raise RecordError(f"negative {what}: {number:f}")
    per_mtok = number * MTOK
    ceiling = Decimal(str(settings.PRICE_MAX_PER_MTOK))
    if per_mtok > ceiling:  # before quantize: a price such as 1e30 has more digits than the context can round
        raise RecordError(f"absurd {what}: {per_mtok.normalize():f} USD per million tokens (ceiling {ceiling:f})")
    return per_mtok.quantize(MICRO)


def optional_positive_int(value: Any) -> int | None:
    """A context window or similar count; anything that is not a positive whole number reads as unknown."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= 2_147_483_647 and number == value else None


class UnknownSourceError(LookupError):
    """No upstream is configured under this name."""

    def __init__(self, name: str, known: list[str]):
        super().__init__(f"unknown source {name!r}; known sources: {', '.join(known) or '(none)'}")
        self.name = name
        self.known = known
