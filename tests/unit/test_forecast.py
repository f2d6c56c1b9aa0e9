"""The exhaustion forecast on synthetic hourly series whose true answer is known."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from lambdas.alerts.forecast import MIN_DAYS_OF_HISTORY, Sample, daily_minima, forecast_exhaustion, trend

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # a Monday
FLOOR = 8


def hourly(days: int, free_at: Callable[[datetime], float]) -> list[Sample]:
    """One sample an hour for the last `days` days up to NOW, as GetMetricData's hourly minima would be."""
    return [Sample(at, free_at(at)) for hour in range(days * 24, -1, -1) for at in [NOW - timedelta(hours=hour)]]


def days_before_now(at: datetime) -> float:
    return (NOW - at).total_seconds() / 86_400


def test_linear_decline_forecasts_the_true_days_within_five_percent() -> None:
    per_day, free_now = 12.0, 400.0
    samples = hourly(14, lambda at: free_now + per_day * days_before_now(at))
    forecast = forecast_exhaustion(samples, FLOOR, NOW)
    truth = (free_now - FLOOR) / per_day  # 32.7 days
    assert forecast is not None
    assert forecast.days_to_floor is not None
    assert forecast.days_to_floor == pytest.approx(truth, rel=0.05)
    assert forecast.decline_per_day == pytest.approx(per_day, rel=0.01)


@pytest.mark.parametrize(("name", "per_day"), [("flat", 0.0), ("growing", -5.0)])
def test_a_flat_or_growing_free_count_gets_no_forecast(name: str, per_day: float) -> None:
    samples = hourly(14, lambda at: 300 + per_day * days_before_now(at))
    forecast = forecast_exhaustion(samples, FLOOR, NOW)
    assert forecast is not None, name
    assert forecast.days_to_floor is None


def test_a_weekly_cycle_with_a_slow_decline_forecasts_the_decline_not_the_cycle() -> None:
    """Weekdays 08-18 UTC hold 120 more addresses than nights and weekends; underneath, 3 a day go for good."""
    per_day = 3.0

    def free_at(at: datetime) -> float:
        busy = at.weekday() < 5 and 8 <= at.hour < 18
        return 500 + per_day * days_before_now(at) - (120 if busy else 0)

    samples = hourly(14, free_at)
    forecast = forecast_exhaustion(samples, FLOOR, NOW)
    assert forecast is not None
    assert forecast.days_to_floor is not None
    assert forecast.decline_per_day == pytest.approx(per_day, rel=0.05)
    # The floor is reached when a busy weekday's minimum gets there: (500 - 120 - 8) / 3 = 124 days.
    assert forecast.days_to_floor == pytest.approx((500 - 120 - FLOOR) / per_day, rel=0.05)
    # Fitting only the last few days (a quiet weekend followed by a busy Monday) would have said days, not months.
    assert forecast.days_to_floor > 100


def test_a_one_hour_deployment_surge_alone_does_not_forecast_exhaustion_within_a_week() -> None:
    """Flat at 200 free, except that a rolling deployment two hours ago held 150 more addresses for one hour."""
    surge_hour = NOW - timedelta(hours=2)
    samples = hourly(14, lambda at: 50 if at == surge_hour else 200)
    forecast = forecast_exhaustion(samples, FLOOR, NOW)
    assert forecast is not None
    assert forecast.days_to_floor is None or forecast.days_to_floor > 7
    assert forecast.surge_margin == pytest.approx(150)


def test_a_surge_on_top_of_a_decline_brings_the_forecast_forward_by_the_surge() -> None:
    per_day = 10.0
    surge_hour = NOW - timedelta(days=3)

    def free_at(at: datetime) -> float:
        return 300 + per_day * days_before_now(at) - (60 if at == surge_hour else 0)

    forecast = forecast_exhaustion(hourly(14, free_at), FLOOR, NOW)
    assert forecast is not None
    assert forecast.days_to_floor is not None
    assert forecast.days_to_floor == pytest.approx((300 - 60 - FLOOR) / per_day, rel=0.05)


def test_too_little_history_gives_no_forecast() -> None:
    samples = hourly(MIN_DAYS_OF_HISTORY - 2, lambda at: 100 - days_before_now(at))
    assert len(daily_minima(samples)) < MIN_DAYS_OF_HISTORY
    assert forecast_exhaustion(samples, FLOOR, NOW) is None


def test_a_subnet_already_below_floor_plus_surge_is_forecast_at_zero_days() -> None:
    samples = hourly(7, lambda at: 9 + 2 * days_before_now(at))
    forecast = forecast_exhaustion(samples, FLOOR, NOW)
    assert forecast is not None
    assert forecast.days_to_floor is not None
    assert forecast.days_to_floor == pytest.approx(0.5, abs=0.1)  # (9 - 8) / 2


def test_daily_minima_keep_each_days_lowest_sample_with_its_time() -> None:
    samples = hourly(2, lambda at: 100 - at.hour)
    minima = daily_minima(samples)
    assert [m.at.hour for m in minima] == [23, 23, NOW.hour]
    assert [m.value for m in minima] == [77, 77, 100 - NOW.hour]


def test_trend_reads_the_sample_nearest_an_hour_a_day_and_a_week_ago() -> None:
    samples = hourly(8, lambda at: 1000 + days_before_now(at) * 24)  # one address more for every hour back
    result = trend(samples, 990, NOW)
    assert (result.now, result.hour_ago, result.day_ago, result.week_ago) == (990, 1001, 1024, 1168)
    assert trend(samples[-3:], 5, NOW).week_ago is None
