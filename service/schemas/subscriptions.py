"""Webhook subscriptions: what a subscriber sends and reads back, and the signing key."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from domain.limits import MAX_FILTER_VALUES, MAX_WEBHOOK_URL
from service.schemas.common import MAX_POSITION, ReceiptOut, Request

SubscriptionStatus = Literal["active", "paused", "disabled", "deleted"]
FilterValues = Annotated[list[str], Field(max_length=MAX_FILTER_VALUES)]
Position = Annotated[int, Field(ge=0, le=MAX_POSITION)]


class SubscriptionFilters(Request):
    """Which public events to deliver: OR within a field, AND across fields; none: all."""

    types: FilterValues = Field(
        default_factory=list, description="Event types, e.g. Candidacy.Awarded."
    )
    categories: FilterValues = Field(default_factory=list)
    credit_codes: FilterValues = Field(default_factory=list)
    body_ids: FilterValues = Field(default_factory=list)
    scheme_ids: FilterValues = Field(default_factory=list)
    candidacy_ids: FilterValues = Field(default_factory=list)


class RegisterSubscription(Request):
    """An HTTPS endpoint to receive the matching public events, signed."""

    url: Annotated[str, Field(min_length=1, max_length=MAX_WEBHOOK_URL)]
    filters: SubscriptionFilters = Field(default_factory=SubscriptionFilters)
    after: Position | None = Field(
        default=None,
        description="Deliver the events after this log position (default: the log's head "
        "now, i.e. only events recorded from now on).",
    )


class Replay(Request):
    """Deliver again every matching event after a log position."""

    after: Position


class SubscriptionSecretOut(ReceiptOut):
    """The subscription's signing secret (`whsec_...`), shown here once and never again."""

    secret: str


class SubscriptionOut(BaseModel):
    """A subscription as its subscriber sees it (never its secret)."""

    id: str
    url: str
    filters: dict[str, list[str]]
    status: SubscriptionStatus
    disabled_reason: str = Field(description="Why it was disabled (410 Gone, days failing).")
    created_at: str
    delivered_through: int = Field(description="The log position delivered (or passed over) up to.")
    failed_attempts: int = Field(description="Failed attempts at the next event.")
    next_attempt_at: str | None
    version: int


class SubscriptionPage(BaseModel):
    items: list[SubscriptionOut]
    next: str | None = Field(description="Pass as `after` for the next page; None: the last.")


class DeliveryOut(BaseModel):
    """One delivery attempt: which event, what the endpoint answered, how fast."""

    id: int
    position: int
    webhook_id: str = Field(description="The same for every attempt at one event.")
    attempt: int = Field(description="1 for the first attempt at the event, then 2, ...")
    status_code: int | None = Field(description="None: no HTTP answer (see `error`).")
    error: str
    latency_ms: int
    attempted_at: str
    next_attempt_at: str | None = Field(description="When it will be tried again, if failed.")


class DeliveryPage(BaseModel):
    items: list[DeliveryOut]
    next: int | None = Field(description="Pass as `before` for older attempts; None: none.")


class WebhookPublicKey(BaseModel):
    """The registry's Ed25519 public key that verifies `v1a` webhook signatures."""

    public_key: str = Field(description="`whpk_` + base64 of the 32-byte public key.")
    algorithm: Literal["ed25519"] = "ed25519"
