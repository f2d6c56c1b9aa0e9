"""Pure: free /28 prefix blocks in a subnet, the room EKS prefix delegation needs (an aligned, empty /28).

A subnet can have free addresses and still no free block: EC2 then fails prefix assignment with
InsufficientCidrBlocks. A block is free when none of its 16 addresses is in use: not one of the five
addresses AWS reserves (the first four and the last), not a private IP or inside a prefix of any interface,
and not inside an explicit subnet CIDR reservation.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

BLOCK_PREFIX_LENGTH = 28
BLOCK_SIZE = 16
FIRST_RESERVED = 4  # network address, VPC router, DNS, future use; the last address (broadcast) is reserved too


def free_prefix_blocks(cidr_block: str, addresses: Iterable[str], ranges: Iterable[str]) -> int:
    """Aligned /28 blocks of cidr_block holding none of addresses, none of ranges and no reserved address."""
    subnet = ipaddress.IPv4Network(cidr_block)
    if subnet.prefixlen > BLOCK_PREFIX_LENGTH:
        return 0
    base, last = int(subnet.network_address), int(subnet.broadcast_address)
    blocks = (last - base + 1) // BLOCK_SIZE
    used: set[int] = set()

    def take(first: int, final: int) -> None:
        first, final = max(first, base), min(final, last)
        if first <= final:
            used.update(range((first - base) // BLOCK_SIZE, (final - base) // BLOCK_SIZE + 1))

    take(base, base + FIRST_RESERVED - 1)
    take(last, last)
    for address in addresses:
        value = int(ipaddress.IPv4Address(address))
        take(value, value)
    for cidr in ranges:
        network = ipaddress.IPv4Network(cidr, strict=False)
        take(int(network.network_address), int(network.broadcast_address))
    return blocks - len(used)
