"""Free /28 prefix blocks on hand-checked layouts, no AWS."""

import pytest

from lambdas.census.blocks import free_prefix_blocks


@pytest.mark.parametrize(
    ("cidr", "addresses", "ranges", "free", "why"),
    [
        # 16 blocks; block 0 holds the first four reserved addresses, block 15 the reserved last one.
        ("10.0.0.0/24", [], [], 14, "empty /24"),
        # 4 blocks: 0 (reserved first four), 1 (the used address), 3 (reserved last) taken; block 2 free.
        ("10.0.0.0/26", ["10.0.0.20"], [], 1, "/26, one address used in its second block"),
        ("10.0.0.0/24", [], ["10.0.0.32/28", "10.0.0.48/28"], 12, "two prefixes take two blocks"),
        ("10.0.0.0/24", ["10.0.0.33", "10.0.0.47"], [], 13, "two addresses in one block take one"),
        ("10.0.0.0/24", [], ["10.0.0.64/26"], 10, "an explicit /26 reservation takes four blocks"),
        ("10.0.0.0/24", [], ["10.0.0.70/32"], 13, "a /32 reservation takes its block"),
        ("10.0.0.0/24", ["10.9.9.9"], ["10.1.0.0/16"], 14, "addresses outside the subnet are ignored"),
        ("10.0.0.0/28", [], [], 0, "a /28 holds reserved addresses: no free block"),
        ("10.0.0.0/29", [], [], 0, "smaller than /28"),
        ("10.0.0.0/20", [], [], 254, "256 blocks less the two with reserved addresses"),
    ],
)
def test_given_a_layout_then_the_free_blocks_are_counted(cidr, addresses, ranges, free, why):
    assert free_prefix_blocks(cidr, addresses, ranges) == free, why
