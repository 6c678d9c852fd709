"""The other end of a Unix socket, by inode: what `ss -x` shows in its Peer column.

/proc says only that a descriptor is "socket:[INODE]"; which socket it is connected to
is asked of the kernel through netlink's sock_diag (unix_diag(7)), as ss does. A
multiprocessing.Pipe() (duplex) is a socketpair, and proctui's channel to each process of
a script is a Unix socket: knowing the peer's inode, the processes holding it can be
found in /proc/PID/fd. Nothing is needed but the socket's inode, and no privilege.
"""

from __future__ import annotations

import socket
import struct

_NETLINK_SOCK_DIAG = 4
_SOCK_DIAG_BY_FAMILY = 20
_NLM_F_REQUEST = 1
_NLMSG_ERROR = 2
_UDIAG_SHOW_PEER = 4
_UNIX_DIAG_PEER = 2
_NO_COOKIE = 0xFFFFFFFF  # skips the kernel's check that the inode is the same socket
_HEADER = struct.Struct("=IHHII")  # nlmsghdr: length, type, flags, sequence, port
_REQUEST = struct.Struct("=BBHIIIII")  # unix_diag_req
_REPLY = struct.Struct("=BBBBIII")  # unix_diag_msg
_ATTRIBUTE = struct.Struct("=HH")  # rtattr: length, type


def unix_peer(inode: int) -> int | None:
    """The inode of the socket connected to the Unix socket inode; None if it has none
    (a listening socket, an unconnected one), is not a Unix socket, or the kernel will
    not say (no unix_diag, another network namespace)."""
    request = _REQUEST.pack(socket.AF_UNIX, 0, 0, 0xFFFFFFFF, inode, _UDIAG_SHOW_PEER, _NO_COOKIE, _NO_COOKIE)
    message = _HEADER.pack(_HEADER.size + len(request), _SOCK_DIAG_BY_FAMILY, _NLM_F_REQUEST, 1, 0) + request
    try:
        with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, _NETLINK_SOCK_DIAG) as diag:
            diag.settimeout(1.0)  # the kernel answers at once; this only guards a hang
            diag.sendto(message, (0, 0))
            reply = diag.recv(8192)
    except OSError:
        return None
    return _peer_in_reply(reply)


def _peer_in_reply(reply: bytes) -> int | None:
    if len(reply) < _HEADER.size + _REPLY.size:
        return None
    length, kind, _flags, _sequence, _port = _HEADER.unpack_from(reply)
    if kind == _NLMSG_ERROR:
        return None
    offset = _HEADER.size + _REPLY.size
    end = min(length, len(reply))
    while offset + _ATTRIBUTE.size <= end:
        size, attribute = _ATTRIBUTE.unpack_from(reply, offset)
        if size < _ATTRIBUTE.size:
            return None
        if attribute == _UNIX_DIAG_PEER and size >= _ATTRIBUTE.size + 4:
            (peer,) = struct.unpack_from("=I", reply, offset + _ATTRIBUTE.size)
            return peer or None
        offset += (size + 3) & ~3  # attributes are aligned to 4 bytes
    return None
