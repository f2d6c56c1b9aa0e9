"""The README's first command stays working: run the demo and check what it shows."""

import re

from demo.__main__ import main


def test_given_the_seeded_network_when_the_demo_runs_then_the_full_task_subnet_is_flagged(capsys, monkeypatch):
    # Given a clean environment (the demo sets its own emulator credentials and settings)
    for key in ("METRIC_NAMESPACE", "VPC_IDS", "SUBNET_TAG_FILTER"):
        monkeypatch.delenv(key, raising=False)
    # When
    main()
    out = capsys.readouterr().out
    # Then tasks-1a (/25, 118 ENIs) reads back 5 free, 95.9 %, and trips both alarms; tasks-1c trips none
    assert re.search(r"tasks-1a .* 123 +118 +5 +95\.9  ALARM", out)
    assert re.search(r"tasks-1c .* 123 +40 +83 +32\.5  ok", out)
    assert "free addresses 5 <= 8" in out
    assert "Collector run: complete, 6 subnets, 12 data points; API calls: DescribeSubnets x1, PutMetricData x1" in out
