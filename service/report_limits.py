"""The limits of anonymous writes (public reports): per client address and per target."""

from __future__ import annotations

import hashlib
import math

from starlette.exceptions import HTTPException
from starlette.requests import Request

from registry.settings import Settings
from service.ratelimit import TokenBucket

HOUR = 3600.0


class TooManyReports(HTTPException):
    """A client address, or a report's target, is over its limit (429 with Retry-After)."""

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(429, detail, headers={"Retry-After": str(retry_after)})
        self.retry_after = retry_after


def client_key(request: Request) -> str:
    """The client's address, hashed (the buckets never hold an address itself). Behind a
    proxy, run uvicorn with `--proxy-headers` so that the address is the client's."""
    address = request.client.host if request.client else "unknown"
    return hashlib.sha256(address.encode()).hexdigest()


class ReportLimits:
    """Token buckets: `report_limit_per_address` reports an hour from one address, and
    `report_limit_per_target` about one leader or enterprise (from anyone), each as a burst
    refilled evenly over the hour."""

    def __init__(self, settings: Settings) -> None:
        self.by_address = TokenBucket(
            settings.report_limit_per_address / HOUR, settings.report_limit_per_address
        )
        self.by_target = TokenBucket(
            settings.report_limit_per_target / HOUR, settings.report_limit_per_target
        )

    def take(self, address: str, target: str) -> None:
        """Take one report from both buckets, or from neither (TooManyReports) if either is
        empty: a refused report does not count against the other limit."""
        for bucket, key, what in (
            (self.by_address, address, "from this address"),
            (self.by_target, target, "about this target"),
        ):
            wait = bucket.wait(key)
            if wait > 0:
                seconds = max(1, math.ceil(wait))
                raise TooManyReports(
                    f"too many reports {what}; retry in {seconds} s", retry_after=seconds
                )
        self.by_address.take(address)
        self.by_target.take(target)
