"""What every Metrics Insights query shares; each capability writes its own queries from the metric contract."""

from __future__ import annotations

from lambdas.platform.aws_limits import SERIES_PER_QUERY
from lambdas.platform.contract import Metric

# A Metrics Insights query returns at most 500 series; ORDER BY makes them the 500 worst, which are the
# only ones that can breach a threshold. It also processes at most 10,000 metrics per metric name:
# beyond 10,000 subnets use per-VPC alarms (monitor:alarmPerVpc).
MAX_SERIES_PER_QUERY = SERIES_PER_QUERY.value


def is_metrics_insights(expression: object) -> bool:
    """The expression is a Metrics Insights query (SELECT …), not metric math."""
    return str(expression).lstrip().upper().startswith("SELECT")


def schema(namespace: str, metric: Metric) -> str:
    """The exact dimension set of metric's family; Metrics Insights lists it alphabetically."""
    return f'SCHEMA("{namespace}", {", ".join(sorted(metric.dimensions))})'


def ranked(
    namespace: str,
    metric: Metric,
    *,
    group_by: tuple[str, ...],
    lowest_first: bool,
    limit: int = MAX_SERIES_PER_QUERY,
    where: str = "",
) -> str:
    """One series per group_by value, the worst first: the lowest minimum (a floor) or the highest maximum."""
    statistic, order = ("MIN", "ASC") if lowest_first else ("MAX", "DESC")
    return (
        f"SELECT {statistic}({metric.name}) FROM {schema(namespace, metric)}{where} "
        f"GROUP BY {', '.join(group_by)} ORDER BY {statistic}() {order} LIMIT {limit}"
    )
