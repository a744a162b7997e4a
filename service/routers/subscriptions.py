"""Webhook subscriptions (subscribers, each its own) and the webhook signing key (public)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from domain.errors import NotFound
from domain.values import Actor
from projections.webhooks import queries
from registry.permissions import check_role
from service.consistency import CommandsDep, ReadConn
from service.deps import ActorDep, SettingsDep
from service.problems import READ_ERRORS, WRITE_ERRORS
from service.schemas.common import MAX_POSITION, ReceiptOut
from service.schemas.pages import PageLimit
from service.schemas.subscriptions import (
    DeliveryPage,
    RegisterSubscription,
    Replay,
    SubscriptionOut,
    SubscriptionPage,
    SubscriptionSecretOut,
    WebhookPublicKey,
)

router = APIRouter(prefix="/v1", tags=["webhooks"], responses=WRITE_ERRORS)
NO_STORE = "no-store"  # a secret, or a subscriber's own records: no cache keeps them


async def subscriber(actor: ActorDep, response: Response) -> Actor:
    """The actor, if it may read subscriptions (checked before any read-model work)."""
    check_role(actor, "read_subscriptions")
    response.headers["Cache-Control"] = NO_STORE
    return actor


Subscriber = Annotated[Actor, Depends(subscriber)]


@router.post(
    "/subscriptions",
    status_code=201,
    response_model=SubscriptionSecretOut,
    operation_id="register_subscription",
)
async def register_subscription(
    payload: RegisterSubscription, commands: CommandsDep, response: Response
) -> SubscriptionSecretOut:
    """Register an endpoint for the matching public events, signed per Standard Webhooks;
    the signing secret is shown only in this answer."""
    response.headers["Cache-Control"] = NO_STORE
    receipt = await commands.run(
        commands.registry.register_subscription,
        url=payload.url,
        filters=payload.filters.model_dump(),
        after=payload.after,
    )
    secret: str | None = receipt.get("secret")
    if secret is None:  # a retry with the same Idempotency-Key: the first request's secret
        secret = await asyncio.to_thread(commands.registry.subscription_secret, receipt["id"])
    if secret is None:
        raise NotFound("this subscription is deleted; its secret is destroyed")
    response.headers["Location"] = f"/v1/subscriptions/{receipt['id']}"
    return SubscriptionSecretOut(id=receipt["id"], position=receipt["position"], secret=secret)


@router.get("/subscriptions", response_model=SubscriptionPage, operation_id="list_subscriptions")
async def list_subscriptions(
    actor: Subscriber,
    conn: ReadConn,
    after: Annotated[str, Query(max_length=36, description="The last id of the page before.")] = "",
    limit: PageLimit = 50,
) -> dict[str, Any]:
    """The caller's subscriptions (not deleted), a page at a time."""
    return await queries.own_subscriptions(conn, actor.subject, after=after, limit=limit)


@router.get(
    "/subscriptions/{subscription_id}",
    response_model=SubscriptionOut,
    operation_id="get_subscription",
)
async def get_subscription(subscription_id: str, actor: Subscriber, conn: ReadConn) -> Any:
    """One of the caller's subscriptions: where its delivery stands."""
    return await queries.own_subscription(conn, actor.subject, subscription_id)


@router.get(
    "/subscriptions/{subscription_id}/deliveries",
    response_model=DeliveryPage,
    operation_id="list_subscription_deliveries",
)
async def list_deliveries(
    subscription_id: str,
    actor: Subscriber,
    conn: ReadConn,
    before: Annotated[
        int, Query(ge=0, le=MAX_POSITION, description="Only attempts older than this id.")
    ] = 0,
    limit: PageLimit = 50,
) -> dict[str, Any]:
    """The subscription's delivery log, newest attempt first: each attempt's event, status,
    error, latency and next attempt."""
    return await queries.deliveries(
        conn, actor.subject, subscription_id, before=before, limit=limit
    )


@router.post(
    "/subscriptions/{subscription_id}/pause",
    response_model=ReceiptOut,
    operation_id="pause_subscription",
)
async def pause_subscription(subscription_id: str, commands: CommandsDep) -> ReceiptOut:
    """Stop delivering until resumed (events meanwhile are delivered then, in order)."""
    return ReceiptOut(**await commands.run(commands.registry.pause_subscription, subscription_id))


@router.post(
    "/subscriptions/{subscription_id}/resume",
    response_model=ReceiptOut,
    operation_id="resume_subscription",
)
async def resume_subscription(subscription_id: str, commands: CommandsDep) -> ReceiptOut:
    """Deliver again (a paused or disabled subscription), from where delivery stopped."""
    receipt = await commands.run(commands.registry.resume_subscription, subscription_id)
    return ReceiptOut(**receipt)


@router.post(
    "/subscriptions/{subscription_id}/replay",
    response_model=ReceiptOut,
    operation_id="replay_subscription",
)
async def replay_subscription(
    subscription_id: str, payload: Replay, commands: CommandsDep
) -> ReceiptOut:
    """Deliver again every matching event after `after` (each with its own webhook-id)."""
    receipt = await commands.run(
        commands.registry.replay_subscription, subscription_id, after=payload.after
    )
    return ReceiptOut(**receipt)


@router.post(
    "/subscriptions/{subscription_id}/secret",
    response_model=SubscriptionSecretOut,
    operation_id="rotate_subscription_secret",
)
async def rotate_subscription_secret(
    subscription_id: str, commands: CommandsDep, response: Response
) -> SubscriptionSecretOut:
    """A new signing secret, shown only in this answer; the old one stops signing at once."""
    response.headers["Cache-Control"] = NO_STORE
    receipt = await commands.run(commands.registry.rotate_subscription_secret, subscription_id)
    return SubscriptionSecretOut(**receipt)


@router.delete(
    "/subscriptions/{subscription_id}",
    response_model=ReceiptOut,
    operation_id="delete_subscription",
)
async def delete_subscription(subscription_id: str, commands: CommandsDep) -> ReceiptOut:
    """Delete the subscription: nothing more is delivered, its secret is destroyed."""
    receipt = await commands.run(commands.registry.delete_subscription, subscription_id)
    return ReceiptOut(**receipt)


@router.get(
    "/webhooks/public-key",
    response_model=WebhookPublicKey,
    operation_id="get_webhook_public_key",
    responses=READ_ERRORS,
)
async def webhook_public_key(settings: SettingsDep) -> WebhookPublicKey:
    """The Ed25519 public key that verifies the `v1a` signature of every delivery (404 when
    the registry signs with subscriptions' secrets only)."""
    key = settings.webhook_key()
    if key is None:
        raise NotFound("this registry has no webhook signing key (deliveries carry v1 only)")
    return WebhookPublicKey(public_key=key.public_key)
