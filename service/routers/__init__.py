"""The API's routers: one per area of the registry, writes and public reads."""
