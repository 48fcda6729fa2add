"""Refuse URLs whose host resolves to a loopback, private, link-local or reserved address.

Article links in third-party feeds are not trusted: a feed could point the
fetcher at `http://169.254.169.254/` (a cloud metadata service) or at a
service on the monitoring machine itself. Before such a URL is requested,
its host name is resolved and every address it resolves to must be public.

The check resolves the name once and httpx resolves it again to connect, so a
DNS server that answers differently the second time ("DNS rebinding") is not
defeated by this check alone; it stops the plain cases, which are the common ones.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket

__all__ = ["is_public_address", "refuse_private"]


def is_public_address(address: str) -> bool:
    """Return True for a globally routable unicast address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        not (
            ip.is_private
            or ip.is_loopback
            or ip.is_link_local
            or ip.is_multicast
            or ip.is_reserved
            or ip.is_unspecified
        )
        and ip.is_global
    )


async def refuse_private(host: str, port: int) -> str | None:
    """Return why `host` must not be fetched, or None when every address it has is public.

    Raises:
        OSError: the name cannot be resolved.
    """
    host = host.strip("[]")
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
        addresses = [host]
    except ValueError:
        loop = asyncio.get_running_loop()
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        addresses = [str(info[4][0]) for info in infos]
    for address in addresses:
        if not is_public_address(address):
            return (
                f"{host} resolves to {address}, a loopback, private or reserved address; "
                "pass allow_private=True to fetch it"
            )
    return None
