"""Where an outgoing webhook may go, and the one POST that goes there.

A webhook URL is typed by a workspace admin, but the request leaves from the server: without a
check it reaches the server's own network (the cloud metadata service, an admin port on
localhost) and the delivery log tells what answered. So every delivery resolves the host
itself, refuses it when any of its addresses is loopback, private, link-local, multicast,
reserved or unspecified (IPv4 written inside IPv6 included), and connects only to the addresses
it checked — a second DNS answer between the check and the connection (DNS rebinding) is never
asked for. Redirects are not followed: a 3xx is the answer. ``WEBHOOK_ALLOWED_NETWORKS`` (the
instance's settings) lets chosen networks and host names through.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
SCHEMES = ("http", "https")
# IPv6 prefixes that carry an IPv4 address: NAT64 (RFC 6052) and 6to4 (RFC 3056)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class DestinationRefused(Exception):
    """The URL's host is (or resolves to) an address of the server's own network, or the URL is
    not http(s). ``host`` is the URL's host as typed: never the resolved address."""

    def __init__(self, host: str) -> None:
        super().__init__(host)
        self.host = host


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    if isinstance(ip, ipaddress.IPv4Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_internal(ip: IPAddress) -> bool:
    """True for an address of a local or private network: loopback, private, link-local,
    multicast, reserved, unspecified, shared (CGNAT) or documentation — anything not global —
    also when written inside an IPv6 address."""
    inner = _embedded_ipv4(ip)
    if inner is not None and address_internal(inner):
        return True
    return (
        not ip.is_global
        or ip.is_multicast
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_private
        or ip.is_reserved
        or ip.is_unspecified
    )


def _allowed_entries() -> tuple[set[str], list[Any]]:
    names: set[str] = set()
    networks: list[Any] = []
    for entry in getattr(settings, "WEBHOOK_ALLOWED_NETWORKS", ()) or ():
        try:
            networks.append(ipaddress.ip_network(str(entry).strip("[]"), strict=False))
        except ValueError:
            names.add(str(entry).lower().rstrip("."))
    return names, networks


def address_allowed(host: str, ip: IPAddress) -> bool:
    """May a webhook go to ``ip`` (an address of ``host``)? Yes for a global address, and for an
    internal one when the instance allow-lists its network or the host name."""
    if not address_internal(ip):
        return True
    names, networks = _allowed_entries()
    if host.lower().rstrip(".") in names:
        return True
    return any(ip.version == net.version and ip in net for net in networks)


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None


def url_destination_check(url: str) -> None:
    """At creation: refuse, naming the reason, a URL that is not http(s) or whose host is written
    as a refused address (or ``localhost``). A host name is checked again at each delivery,
    where its addresses are known."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in SCHEMES or not parts.hostname:
        raise ValidationError(_("Use an http:// or https:// address."), code="webhook_scheme")
    host = parts.hostname
    ip = _literal(host)
    local_name = host.rstrip(".").lower() == "localhost" or host.rstrip(".").lower().endswith(
        ".localhost"
    )
    refused = local_name and not address_allowed(host, ipaddress.ip_address("127.0.0.1"))
    if ip is not None and not address_allowed(host, ip):
        refused = True
    if refused:
        raise ValidationError(
            _(
                "Webhooks are not sent to %(host)s: it is an address of the server’s own network "
                "(loopback, private, link-local or multicast)."
            )
            % {"host": host},
            code="webhook_address",
        )


@dataclass(frozen=True)
class Destination:
    scheme: str
    host: str
    port: int
    target: str  # the path and query sent in the request line
    addresses: tuple[tuple[int, Any], ...]  # (family, sockaddr) checked, in resolver order


def destination_resolve(url: str) -> Destination:
    """The URL's checked addresses. Raises ``DestinationRefused`` when the URL is not http(s)
    or any address of its host is refused, ``socket.gaierror`` when the host does not resolve."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if scheme not in SCHEMES or not host:
        raise DestinationRefused(host)
    port = parts.port or (443 if scheme == "https" else 80)
    if host.rstrip(".").lower().endswith(".invalid"):
        # a name that never resolves (RFC 6761 §6.4): answered without asking the resolver
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    addresses: list[tuple[int, Any]] = []
    for family, _type, _proto, _name, sockaddr in found:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if not address_allowed(host, ip):
            raise DestinationRefused(host)  # one bad address refuses the host: no lottery
        addresses.append((family, sockaddr))
    if not addresses:
        raise socket.gaierror(socket.EAI_NONAME, "no address")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Destination(scheme, host, port, target, tuple(addresses))


def _connect_checked(addresses: Sequence[tuple[int, Any]], timeout: float) -> socket.socket:
    """A TCP connection to the first checked address that answers (as
    ``socket.create_connection`` does, without resolving the name again)."""
    error: OSError | None = None
    for family, sockaddr in addresses:
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.settimeout(timeout)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            sock.close()
            error = exc
    raise error or OSError("no address")


@dataclass(frozen=True)
class Answer:
    status: int
    reason: str


def destination_post(
    destination: Destination, *, body: bytes, headers: dict[str, str], timeout: float
) -> Answer:
    """POST ``body`` to the checked addresses; the certificate is checked against the host name.
    The answer's status is returned as it is (a redirect is not followed); its body is not read."""
    conn: http.client.HTTPConnection
    if destination.scheme == "https":
        conn = http.client.HTTPSConnection(
            destination.host,
            destination.port,
            timeout=timeout,
            context=ssl.create_default_context(),
        )
    else:
        conn = http.client.HTTPConnection(destination.host, destination.port, timeout=timeout)
    # http.client opens its socket through this attribute (then wraps it in TLS for the host
    # name): pointing it at the checked addresses is what keeps a second DNS answer out
    conn._create_connection = lambda *_args, **_kw: _connect_checked(  # type: ignore[attr-defined]
        destination.addresses, timeout
    )
    try:
        conn.request("POST", destination.target, body=body, headers=headers)
        response = conn.getresponse()
        return Answer(response.status, str(response.reason or ""))
    finally:
        conn.close()
