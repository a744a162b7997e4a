"""Use cases: webhook subscriptions, each its subscriber's own."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from domain.errors import NotFound
from domain.limits import MAX_SUBSCRIPTIONS
from domain.subscription import InvalidSubscription, Subscription
from domain.values import Actor
from registry.base import Receipt, RegistryBase
from registry.permissions import check_role
from registry.settings import Settings
from registry.webhook_secrets import MemorySecrets, SecretStore, SqlSecrets, new_secret
from registry.webhook_targets import check_target


class RegisteredSubscription(Receipt):
    secret: str


class SubscriptionCases(RegistryBase):
    """Registering, pausing, resuming, replaying, re-keying and deleting subscriptions.

    A subscriber reaches only its own (another's answers "not found"); the dispatcher
    (`projections.webhooks`) disables one as the registry itself. Whether an endpoint may
    be plain HTTP or internal is the service's setting, given here by `configure_webhooks`.
    """

    webhook_store: SecretStore | None = None  # the service sets the SQL store
    webhook_allow_http = False
    webhook_allow_private = False

    def configure_webhooks(
        self, store: SecretStore, *, allow_http: bool, allow_private: bool
    ) -> None:
        self.webhook_store = store
        self.webhook_allow_http = allow_http
        self.webhook_allow_private = allow_private

    def use_webhook_secrets_on(self, engine: Engine, settings: Settings) -> None:
        """Keep secrets in `webhook_secrets` on the read-model database, with the settings."""
        self.configure_webhooks(
            SqlSecrets(engine),
            allow_http=settings.webhook_allow_http,
            allow_private=settings.webhook_allow_private,
        )

    @property
    def webhook_secrets(self) -> SecretStore:
        if self.webhook_store is None:
            self.webhook_store = MemorySecrets()
        return self.webhook_store

    def check_endpoint(self, url: str) -> None:
        """Refuse an endpoint that is or resolves to an internal address (unless allowed)."""
        check_target(url, allow_private=self.webhook_allow_private)

    def register_subscription(
        self,
        actor: Actor,
        *,
        url: str,
        filters: dict[str, list[str]],
        after: int | None = None,
    ) -> RegisteredSubscription:
        """A new subscription of the actor's, delivering every matching event after `after`
        (default: the log's head now); its secret is answered once."""
        check_role(actor, "register_subscription")
        head = int(self.recorder.max_notification_id() or 0)
        if after is not None and after > head:
            raise InvalidSubscription(
                f"after must be at most the log's head, {head}", field="after"
            )
        subscription = Subscription.register(
            owner=actor.subject,
            url=url,
            filters=filters,
            after=head if after is None else after,
            allow_http=self.webhook_allow_http,
            actor=actor,
            at=self.now(),
        )
        self.check_endpoint(url)
        if self.webhook_secrets.count(actor.subject) >= MAX_SUBSCRIPTIONS:
            raise InvalidSubscription(
                f"a subscriber may hold at most {MAX_SUBSCRIPTIONS} subscriptions; delete one",
                field="url",
            )
        secret = new_secret()
        key = str(subscription.id)
        # The secret is stored before the events: a subscription never exists without it.
        self.webhook_secrets.store(key, actor.subject, secret)
        recorded = False
        try:
            receipt = self.commit(subscription)
            recorded = True
        finally:
            if not recorded:
                self.webhook_secrets.discard(key)
        return RegisteredSubscription(id=receipt["id"], position=receipt["position"], secret=secret)

    def own_subscription(self, actor: Actor, subscription_id: str) -> Subscription:
        """The actor's subscription (NotFound for anyone else's: its existence is private)."""
        subscription = self.load(Subscription, subscription_id, "subscription")
        if actor.subject != subscription.owner:
            raise NotFound(f"no subscription {subscription_id}")
        return subscription

    def pause_subscription(self, actor: Actor, subscription_id: str) -> Receipt:
        check_role(actor, "manage_subscription")
        subscription = self.own_subscription(actor, subscription_id)
        subscription.pause(actor=actor, at=self.now())
        return self.commit(subscription)

    def resume_subscription(self, actor: Actor, subscription_id: str) -> Receipt:
        check_role(actor, "manage_subscription")
        subscription = self.own_subscription(actor, subscription_id)
        self.check_endpoint(subscription.url)
        subscription.resume(actor=actor, at=self.now())
        return self.commit(subscription)

    def replay_subscription(self, actor: Actor, subscription_id: str, *, after: int) -> Receipt:
        check_role(actor, "manage_subscription")
        subscription = self.own_subscription(actor, subscription_id)
        head = int(self.recorder.max_notification_id() or 0)
        subscription.replay(after=after, head=head, actor=actor, at=self.now())
        return self.commit(subscription)

    def rotate_subscription_secret(
        self, actor: Actor, subscription_id: str
    ) -> RegisteredSubscription:
        """A new secret, answered once; deliveries are signed with it from now on."""
        check_role(actor, "manage_subscription")
        subscription = self.own_subscription(actor, subscription_id)
        subscription.rotate_secret(actor=actor, at=self.now())
        receipt = self.commit(subscription)
        secret = new_secret()
        self.webhook_secrets.store(str(subscription.id), subscription.owner, secret)
        return RegisteredSubscription(id=receipt["id"], position=receipt["position"], secret=secret)

    def delete_subscription(self, actor: Actor, subscription_id: str) -> Receipt:
        check_role(actor, "manage_subscription")
        subscription = self.own_subscription(actor, subscription_id)
        subscription.delete(actor=actor, at=self.now())
        receipt = self.commit(subscription)
        self.webhook_secrets.forget(str(subscription.id))
        return receipt

    def disable_subscription(self, subscription_id: str, *, reason: str) -> Receipt | None:
        """The dispatcher stops a subscription (410 Gone, or days of failures); None if it
        was already disabled or deleted."""
        subscription = self.load(Subscription, subscription_id, "subscription")
        if subscription.status in ("disabled", "deleted"):
            return None
        subscription.disable(reason=reason, actor=Actor.system("webhooks"), at=self.now())
        return self.commit(subscription)

    def subscription_secret(self, subscription_id: str) -> str | None:
        """The secret the dispatcher signs with (None once deleted)."""
        return self.webhook_secrets.secret(subscription_id)
