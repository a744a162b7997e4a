"""Webhooks: the subscriptions read model, their queries and the signed-delivery dispatcher."""
