"""The at-risk publish mode's choice, run by run, with no AWS: which series get a point and why."""

import json
import random
from collections import Counter

import pytest

from lambdas.platform.publish_policy import (
    RECOVERY_SECONDS,
    AtRiskRules,
    PublishState,
    Reading,
    Remembered,
    Selection,
    Why,
    rotation_due,
    select,
)

RUN = 300  # the default 5-minute schedule
DAY = 24 * 3600
RULES = AtRiskRules(change=10, quiet_period_seconds=DAY)
START = 1_800_000_000  # any epoch second


def _run(readings: list[Reading], state: PublishState, now: int) -> Selection:
    return select(readings, state, RULES, now)


def _warm(readings: list[Reading], now: int = START) -> PublishState:
    """The state after a first run (which publishes everything: nothing is known yet)."""
    first = _run(readings, PublishState(), now)
    assert set(first.publish) == {r.key for r in readings}
    assert set(first.publish.values()) <= {Why.NEW, Why.AT_RISK}
    return first.state


def test_given_a_quiet_subnet_that_jumps_to_95_percent_then_the_run_that_sees_it_publishes_it():
    # Given a subnet at 10 % that was published a moment ago and whose rotation is not due
    quiet = Reading("subnet-a", level=220, at_risk=False)
    state = _warm([quiet])
    assert _run([quiet], state, START + RUN).publish == {}
    # When the next run sees it at 95 % (12 free: at risk)
    jumped = Reading("subnet-a", level=12, at_risk=True)
    selection = _run([jumped], state, START + RUN)
    # Then that run publishes it, as every-run would
    assert selection.publish == {"subnet-a": Why.AT_RISK}
    assert selection.state.series["subnet-a"] == Remembered(12, START + RUN, START + RUN)


@pytest.mark.parametrize("jitter_seconds", [0, 45])
def test_given_a_quiet_subnet_over_two_days_of_runs_then_it_is_published_exactly_once_a_day(jitter_seconds):
    # Given 10 quiet subnets whose level never moves, runs every 5 minutes (late by up to jitter_seconds)
    rng = random.Random(7)  # noqa: S311 - run-time jitter, not a secret
    readings = [Reading(f"subnet-{i}", level=200, at_risk=False) for i in range(10)]
    state = _warm(readings)
    published: Counter[tuple[str, int]] = Counter()
    # When two days of runs go by
    for n in range(1, 2 * DAY // RUN + 1):
        now = START + n * RUN + rng.randint(0, jitter_seconds)
        selection = _run(readings, state, now)
        state = selection.state
        for key, why in selection.publish.items():
            assert why is Why.ROTATION
            published[key, (now - START - 1) // DAY] += 1
    # Then each was published once in each day, by the rotation alone
    assert published == {(r.key, day): 1 for r in readings for day in (0, 1)}


def test_given_a_missed_run_then_the_next_run_publishes_the_rotation_it_would_have():
    reading = Reading("subnet-missed", level=100, at_risk=False)
    state = _warm([reading])
    due = next(t for t in range(START, START + DAY, RUN) if rotation_due(reading.key, DAY, t, t + RUN)) + RUN
    # The run at `due` never happens (a failed invocation keeps no state); the one after covers its window.
    selection = _run([reading], state, due + RUN)
    assert selection.publish == {"subnet-missed": Why.ROTATION}


def test_given_a_recovering_subnet_then_it_is_published_until_an_hour_below_the_watch_level():
    # Given a subnet at risk in one run
    at_risk = Reading("subnet-r", level=5, at_risk=True)
    state = _warm([at_risk])
    recovered = Reading("subnet-r", level=60, at_risk=False)
    whys = []
    # When it is below the watch level in every run after
    for n in range(1, 2 * RECOVERY_SECONDS // RUN + 1):
        selection = _run([recovered], state, START + n * RUN)
        state = selection.state
        whys.append(selection.publish.get("subnet-r"))
    # Then every run of the hour publishes it as recovering, and none after it (unless its rotation falls in
    # the second hour)
    hour = RECOVERY_SECONDS // RUN
    assert whys[0] is Why.RECOVERING
    assert whys[1:hour] == [Why.RECOVERING] * (hour - 1)
    assert set(whys[hour:]) <= {None, Why.ROTATION}
    assert whys[hour:].count(Why.ROTATION) == (
        1 if rotation_due("subnet-r", DAY, START + hour * RUN, START + 2 * hour * RUN) else 0
    )


@pytest.mark.parametrize(("new_level", "published"), [(210, False), (211, True), (189, True), (190, False)])
def test_given_a_quiet_subnet_then_only_a_change_of_more_than_the_threshold_publishes_it(new_level, published):
    state = _warm([Reading("subnet-c", level=200, at_risk=False)])
    now = START + RUN
    assert not rotation_due("subnet-c", DAY, START, now)
    selection = _run([Reading("subnet-c", level=new_level, at_risk=False)], state, now)
    assert (selection.publish == {"subnet-c": Why.CHANGED}) is published


def test_given_a_slow_drift_then_the_change_is_measured_from_the_last_published_level():
    # 3 addresses a run: never more than 10 from one run to the next, but 12 from the last published level
    state = _warm([Reading("subnet-d", level=200, at_risk=False)])
    whys = []
    for n, level in enumerate((197, 194, 191, 188), start=1):
        selection = _run([Reading("subnet-d", level=level, at_risk=False)], state, START + n * RUN)
        state = selection.state
        whys.append(selection.publish.get("subnet-d"))
    assert whys == [None, None, None, Why.CHANGED]


def test_given_2000_subnets_then_every_one_appears_once_per_rotation_spread_over_the_runs():
    readings = [Reading(f"subnet-{i:017x}", level=100, at_risk=False) for i in range(2_000)]
    state = _warm(readings)
    per_run = []
    seen: Counter[str] = Counter()
    for n in range(1, DAY // RUN + 1):
        selection = _run(readings, state, START + n * RUN)
        state = selection.state
        per_run.append(len(selection.publish))
        seen.update(selection.publish.keys())
    assert seen == dict.fromkeys((r.key for r in readings), 1)
    # Spread, not bunched: 2,000 over 288 runs is 6.9 a run on average
    assert max(per_run) <= 3 * 2_000 / len(per_run)
    assert per_run.count(0) < len(per_run) // 10


def test_given_a_series_no_run_sees_then_it_is_remembered_for_one_quiet_period_then_dropped():
    state = _warm([Reading("subnet-gone", level=1, at_risk=False), Reading("subnet-kept", level=1, at_risk=False)])
    kept = _run([Reading("subnet-kept", level=1, at_risk=False)], state, START + DAY - RUN).state
    assert "subnet-gone" in kept.series
    dropped = _run([Reading("subnet-kept", level=1, at_risk=False)], kept, START + DAY).state
    assert "subnet-gone" not in dropped.series


def test_given_a_state_then_its_document_reads_back_the_same_and_a_malformed_one_is_refused():
    state = _warm([Reading("subnet-a", level=3, at_risk=True), Reading("subnet-b", level=200, at_risk=False)])
    assert PublishState.from_document(state.to_document()) == state
    # About 50 bytes a series: 10,000 subnets are about half a megabyte
    assert len(json.dumps(state.to_document(), separators=(",", ":"))) < 2 * 50 + 40
    for bad in ({"version": 2, "runAt": 1, "series": {}}, {"version": 1, "series": {}}, {"version": 1, "runAt": 1}):
        with pytest.raises(ValueError, match="state"):
            PublishState.from_document(bad)
    with pytest.raises(ValueError, match="malformed"):
        PublishState.from_document({"version": 1, "runAt": 1, "series": {"subnet-a": [1, 2]}})
