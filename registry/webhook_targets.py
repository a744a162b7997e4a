"""Where a webhook may be delivered: refusing private, loopback and other internal hosts.

An endpoint's host must resolve only to global unicast addresses, unless the setting
`webhook_allow_private` allows them (tests, a closed network). The check runs when a
subscription is registered and again before delivering (at most PIN_SECONDS earlier,
projections/webhooks/pins.py; a name may be re-pointed at an internal address after
registration: DNS rebinding); deliveries never follow redirects.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from domain.subscription import InvalidSubscription

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def refused(address: Address) -> bool:
    """Whether `address` is private, loopback, link-local, multicast, reserved or unspecified
    (an IPv4-mapped IPv6 address is judged as its IPv4 address)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        not address.is_global
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def resolve(host: str, port: int) -> list[Address]:
    """Every address `host` resolves to (an address literal is itself)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise InvalidSubscription(
            f"url host {host!r} does not resolve ({error})", field="url"
        ) from None
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def check_target(url: str, *, allow_private: bool) -> None:
    """Refuse (InvalidSubscription, field `url`) an endpoint whose host is or resolves to an
    internal address, unless allowed."""
    if not allow_private:
        pinned(url)


def pinned(url: str) -> tuple[str, str]:
    """The endpoint with its host replaced by the public address it resolves to, and the host
    to name in the `Host` header (and TLS's server name): connecting to that address, the
    delivery reaches what was checked, whatever the name resolves to a moment later.
    InvalidSubscription (field `url`) if any address is internal."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = resolve(host, port)
    for address in addresses:
        if refused(address):
            raise InvalidSubscription(
                f"url host {host!r} is or resolves to a non-public address ({address})",
                field="url",
            )
    first = addresses[0]
    literal = f"[{first}]" if first.version == 6 else str(first)
    netloc = literal if parts.port is None else f"{literal}:{parts.port}"
    return parts._replace(netloc=netloc).geturl(), parts.netloc.rpartition("@")[2]
