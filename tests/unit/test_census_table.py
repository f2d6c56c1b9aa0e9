"""The dashboard's census table: fullest subnets first, their top consumers, everything escaped."""

from lambdas.census.table import fullest_subnets_table


def _subnet(name, usable, available, consumers, blocks=None):
    return {
        "subnetId": f"subnet-{name}",
        "vpcId": "vpc-1",
        "availabilityZone": "eu-west-1a",
        "cidrBlock": "10.0.0.0/25",
        "name": name,
        "usableAddresses": usable,
        "availableAddresses": available,
        "freePrefixBlocks": blocks,
        "consumers": [{"category": c, "owner": o, "addresses": a, "interfaces": a} for c, o, a in consumers],
    }


SNAPSHOT = {
    "generatedAt": "2026-11-29T10:15:00+00:00",
    "accountId": "111122223333",
    "region": "eu-west-1",
    "subnets": [
        _subnet("quiet", 123, 100, [("lambda", "fn", 23)]),
        _subnet("full", 123, 5, [("ecs-task", "orders/checkout", 59), ("ecs-task", "orders/payments", 59)]),
        _subnet(
            "<script>",
            59,
            50,
            [("other", None, 9), ("unattached", None, 1), ("lambda", "a", 1), ("nat-gateway", "n", 1)],
            2,
        ),
    ],
    "eksClusters": [],
    "unattached": [{"networkInterfaceId": "eni-1", "subnetId": "subnet-x", "addresses": 1, "description": ""}],
}


def test_given_a_snapshot_then_the_fullest_subnet_comes_first_in_red_with_its_consumers():
    html = fullest_subnets_table(SNAPSHOT, threshold_percent=80)

    rows = html.split("<tr>")[2:]
    assert [r.split("<br>")[0].removeprefix("<td>") for r in rows] == ["full", "quiet", "&lt;script&gt;"]
    assert '<td class="n hot">118/123 (96%)</td>' in rows[0]
    assert "ecs-task orders/checkout (59)<br>ecs-task orders/payments (59)" in rows[0]
    assert '<td class="n">23/123 (19%)</td>' in rows[1]
    assert "and 1 more" in rows[2]
    assert "<script>" not in html
    assert "3 fullest of 3 subnets, account 111122223333, eu-west-1" in html


def test_given_a_limit_then_only_that_many_rows():
    assert fullest_subnets_table(SNAPSHOT, threshold_percent=80, limit=1).count("<tr>") == 2


def test_given_no_snapshot_yet_then_the_widget_says_so():
    assert "No census snapshot yet" in fullest_subnets_table(None, threshold_percent=80)
