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
    html = fullest_subnets_table([SNAPSHOT], threshold_percent=80)

    rows = html.split("<tr>")[2:]
    assert [r.split("<br>")[0].removeprefix("<td>") for r in rows] == ["full", "quiet", "&lt;script&gt;"]
    assert '<td class="n hot">118/123 (96%)</td>' in rows[0]
    assert "ecs-task orders/checkout (59)<br>ecs-task orders/payments (59)" in rows[0]
    assert '<td class="n">23/123 (19%)</td>' in rows[1]
    assert "and 1 more" in rows[2]
    assert "<script>" not in html
    assert "3 fullest of 3 subnets, account 111122223333, eu-west-1" in html


def test_given_a_limit_then_only_that_many_rows():
    assert fullest_subnets_table([SNAPSHOT], threshold_percent=80, limit=1).count("<tr>") == 2


def test_given_no_snapshot_yet_then_the_widget_says_so():
    assert "No census snapshot yet" in fullest_subnets_table([], threshold_percent=80)


def _member(account, region, generated_at, subnets):
    return {**SNAPSHOT, "accountId": account, "region": region, "generatedAt": generated_at, "subnets": subnets}


def test_given_several_targets_then_one_ranking_across_them_with_each_subnets_account_and_region():
    snapshots = [
        _member("111111111111", "eu-west-1", "2026-11-29T10:15:00+00:00", [_subnet("a-half", 100, 50, [])]),
        _member("222222222222", "us-east-1", "2026-11-29T09:15:00+00:00", [_subnet("b-full", 100, 1, [])]),
    ]
    names = {"222222222222": "222222222222 (payments-prod)"}

    html = fullest_subnets_table(snapshots, threshold_percent=80, account_label=names.get)

    rows = html.split("<tr>")[2:]
    assert rows[0].startswith("<td>222222222222 (payments-prod)<br>us-east-1</td><td>b-full")
    assert rows[1].startswith("<td>111111111111<br>eu-west-1</td><td>a-half")
    assert "<th>Account</th>" in html
    assert "2 fullest of 2 subnets, 2 account-regions, oldest census of 2026-11-29 09:15 UTC" in html
    assert "2 interface(s) attached to nothing" in html


def test_given_one_target_then_no_account_column():
    assert "<th>Account</th>" not in fullest_subnets_table([SNAPSHOT], threshold_percent=80)


def test_given_unreadable_snapshots_then_the_table_says_how_many_beside_the_readable_ones():
    html = fullest_subnets_table([SNAPSHOT], threshold_percent=80, unread=2)
    assert "3 fullest of 3 subnets" in html
    assert "2 snapshot(s) could not be read" in html
    assert "2 snapshot(s) could not be read" in fullest_subnets_table([], threshold_percent=80, unread=2)
