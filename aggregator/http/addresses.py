"""Where requests may go: a source's own hosts (`hosts=`), and never a loopback, private or link-local address
unless the configuration itself names that host.

A page (or an open redirect on a site) must not make the fetcher read an internal service (a router's admin page,
a cloud's metadata at 169.254.169.254, a database's HTTP port) and publish what it says. So before connecting, a
host that is such an address, `localhost`, or a name that resolves to one (even among public addresses) is refused;
and after connecting, the address actually reached is checked again (a name whose DNS answer changed in between).
A name that does not resolve here is not refused: the connection decides (and through an HTTP proxy, the proxy
resolves it; the proxy's own address may well be loopback).
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.request
from collections.abc import Collection, Iterable
from urllib.parse import urlsplit

from ._load import httpx
from .errors import FetchError


class OffsiteURL(FetchError):
    """The URL is not on the hosts the request was limited to (`hosts=`); it was not requested. `target`: that URL."""

    def __init__(self, url: str, reason: str, target: str):
        super().__init__(url, reason)
        self.target = target


class OffsiteRedirect(OffsiteURL):
    """A redirect led off the hosts the request was limited to; `target` (where it led) was not requested."""


class PrivateAddress(FetchError):
    """The URL, or a redirect hop, is on a loopback, private or link-local address the configuration does not name;
    it was not requested (or, when a name's address changed after the check, nothing of the answer was read)."""


def host_name(url: str | httpx.URL) -> str:
    """A URL's host as compared here: lower case, no port, no brackets, no trailing dot."""
    try:
        host = url.host if isinstance(url, httpx.URL) else (urlsplit(url).hostname or "")
    except ValueError:
        return ""
    return host.lower().strip("[]").rstrip(".")


def configured_hosts(urls: Iterable[str]) -> frozenset[str]:
    """The hosts of configured URLs (the sources' `url`), for PoliteClient(allowed_private_hosts=...): a source the
    configuration itself puts on a private address (an intranet feed, a test server) may be read there."""
    return frozenset(host for host in map(host_name, urls) if host)


def blocked_ip(address: str) -> bool:
    """Whether an IP address is one no request may reach unasked: loopback, private, link-local, unspecified,
    multicast, reserved or otherwise not global (IPv4-mapped and IPv6 forms alike)."""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_multicast or ip.is_reserved or not ip.is_global or (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local)


def _resolve(host: str) -> set[str]:
    """The addresses a name resolves to here; none when it does not resolve (the connection then decides)."""
    try:
        return {str(info[4][0]) for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)}
    except (OSError, UnicodeError):
        return set()


def _proxy_addresses() -> set[str]:
    """The addresses of the HTTP proxies the environment configures (httpx uses them): reaching one is no leak."""
    found: set[str] = set()
    for scheme, proxy in urllib.request.getproxies().items():
        if scheme in ("http", "https", "all"):
            host = host_name(proxy if "://" in proxy else f"http://{proxy}")
            if host:
                found |= {host, *_resolve(host)}
    return found


class AddressGuard:
    """Refuses requests to private addresses except on `allowed` hosts. None: no rule at all (tools and tests)."""

    def __init__(self, allowed: Collection[str] | None):
        self.allowed = None if allowed is None else {host.lower().strip("[]").rstrip(".") for host in allowed}
        self._verdicts: dict[str, str | None] = {}
        self._proxies = _proxy_addresses() if allowed is not None else set()

    def check(self, url: str | httpx.URL, via: str | None = None) -> None:
        """Raise PrivateAddress, without connecting, when the URL's host is (or resolves to) a private address.
        `via`: the URL asked for, when `url` is where a redirect from it led."""
        host = host_name(url)
        if self.allowed is None or not host or host in self.allowed:
            return
        if host not in self._verdicts:
            self._verdicts[host] = self._why_private(host)
        why = self._verdicts[host]
        if why:
            hop = f"redirected to {url}: " if via else ""
            raise PrivateAddress(via or str(url), f"{hop}{host} is {why}; requests go to such addresses only when a "
                                                  "configured source URL is on that host, so it was not requested")

    @staticmethod
    def _why_private(host: str) -> str | None:
        if host == "localhost" or host.endswith(".localhost"):
            return "this machine (localhost)"
        if blocked_ip(host):
            return "a loopback, private or link-local address"
        try:
            ipaddress.ip_address(host)
            return None  # a public address
        except ValueError:
            pass
        private = sorted(address for address in _resolve(host) if blocked_ip(address))
        return f"a name for {private[0]}, a loopback, private or link-local address" if private else None

    def check_peer(self, url: str | httpx.URL, raw: httpx.Response) -> None:
        """After connecting: raise PrivateAddress when the address reached is private, unless it is an allowed
        host's or the configured proxy's. Nothing of the answer has been read then."""
        host = host_name(url)
        if self.allowed is None or host in self.allowed:
            return
        stream = raw.extensions.get("network_stream")
        peer = stream.get_extra_info("server_addr") if stream is not None else None
        address = peer[0] if isinstance(peer, tuple) and peer else None
        if address and blocked_ip(address) and address not in self._proxies:
            raise PrivateAddress(str(url), f"{host} led to {address}, a loopback, private or link-local address (its "
                                           "DNS answer changed after the check?); nothing of the answer was read")


def offsite(url: str | httpx.URL, hosts: Collection[str] | None) -> bool:
    """Whether the URL is off the hosts a request was limited to (None: no limit)."""
    return hosts is not None and host_name(url) not in hosts


def normalize_hosts(hosts: Collection[str] | None) -> frozenset[str] | None:
    return None if hosts is None else frozenset(host.lower().strip("[]").rstrip(".") for host in hosts)
