"""Hub mode's failure streaks: consecutive failed runs of a collector on a target, and which the digest names."""

from datetime import UTC, datetime, timedelta

from lambdas.hub.streaks import FailureStreak, extend_streak, named_in_digest

START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
PERIOD = 5


def _fail(previous: FailureStreak | None, at: datetime, error: str = "AssumeRole AccessDenied") -> FailureStreak:
    return extend_streak(
        previous,
        collector="subnets",
        account_id="222222222222",
        region="us-east-1",
        run_at=at,
        period_minutes=PERIOD,
        error=error,
    )


def _streak_of(runs: int, start: datetime = START) -> FailureStreak:
    """runs failed runs a period apart (give or take the dispatcher's seconds of jitter)."""
    streak = _fail(None, start)
    for run in range(1, runs):
        streak = _fail(streak, start + timedelta(minutes=PERIOD * run, seconds=run % 3))
    return streak


def test_given_failures_at_consecutive_runs_then_the_streak_counts_them_from_the_first():
    streak = _streak_of(4)
    assert streak.runs == 4
    assert streak.first_failed_at == START
    assert streak.key == "subnets#222222222222#us-east-1"


def test_given_a_run_between_without_failure_then_the_next_failure_starts_a_new_streak():
    two = _streak_of(2)
    after_a_good_run = _fail(two, two.last_failed_at + timedelta(minutes=2 * PERIOD))
    assert after_a_good_run.runs == 1
    assert after_a_good_run.first_failed_at == two.last_failed_at + timedelta(minutes=2 * PERIOD)


def test_given_the_same_run_retried_then_it_is_not_counted_twice_but_its_last_error_is_kept():
    streak = _streak_of(2)
    again = _fail(streak, streak.last_failed_at, error="DescribeSubnets Throttling")
    assert again.runs == 2
    assert again.last_error == "DescribeSubnets Throttling"


def test_given_streaks_then_the_digest_names_those_of_three_runs_or_more_this_week_longest_first():
    now = START + timedelta(days=1)
    three, five, two = _streak_of(3), _streak_of(5), _streak_of(2)
    old = _streak_of(9, start=now - timedelta(days=8))
    assert named_in_digest([three, two, old, five], now) == [five, three]


def test_given_the_last_failure_two_periods_ago_or_less_then_it_is_still_failing():
    streak = _streak_of(3)
    assert streak.still_failing(streak.last_failed_at + timedelta(minutes=2 * PERIOD))
    assert not streak.still_failing(streak.last_failed_at + timedelta(minutes=2 * PERIOD + 1))
