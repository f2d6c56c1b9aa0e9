"""Which metrics: the Metrics Insights queries behind the alarms and the dashboard (no CDK here)."""

from __future__ import annotations

from lambdas import contract

# A Metrics Insights query returns at most 500 series; ORDER BY makes them the 500 worst, which are the
# only ones that can breach a threshold. It also processes at most 10,000 metrics per metric name:
# beyond 10,000 subnets use per-VPC alarms (monitor:alarmPerVpc).
MAX_SERIES_PER_QUERY = 500


def _schema(namespace: str, dimensions: tuple[str, ...]) -> str:
    """The exact dimension set of a metric family; Metrics Insights lists it alphabetically."""
    return f'SCHEMA("{namespace}", {", ".join(sorted(dimensions))})'


def _subnet_schema(namespace: str) -> str:
    return _schema(namespace, contract.SUBNET_DIMENSIONS)


def _where_vpc(vpc_id: str | None) -> str:
    return f" WHERE VpcId = '{vpc_id}'" if vpc_id else ""


def worst_subnet_utilization(namespace: str, vpc_id: str | None = None, limit: int = MAX_SERIES_PER_QUERY) -> str:
    """Highest IpUtilization per subnet, worst first."""
    return (
        f"SELECT MAX({contract.IP_UTILIZATION}) FROM {_subnet_schema(namespace)}{_where_vpc(vpc_id)} "
        f"GROUP BY SubnetId ORDER BY MAX() DESC LIMIT {limit}"
    )


def fewest_free_addresses(namespace: str, vpc_id: str | None = None, limit: int = MAX_SERIES_PER_QUERY) -> str:
    """Lowest AvailableIpAddressCount per subnet, fewest first."""
    return (
        f"SELECT MIN({contract.AVAILABLE_IP_ADDRESS_COUNT}) FROM {_subnet_schema(namespace)}{_where_vpc(vpc_id)} "
        f"GROUP BY SubnetId ORDER BY MIN() ASC LIMIT {limit}"
    )


def free_addresses_per_vpc(namespace: str) -> str:
    """Free addresses summed over each VPC's subnets."""
    return (
        f"SELECT SUM({contract.AVAILABLE_IP_ADDRESS_COUNT}) FROM {_subnet_schema(namespace)} "
        "GROUP BY VpcId ORDER BY SUM() ASC"
    )


def _cluster_schema(namespace: str) -> str:
    return _schema(namespace, contract.CLUSTER_DIMENSIONS)


def worst_cluster_eni_utilization(namespace: str, limit: int = MAX_SERIES_PER_QUERY) -> str:
    """Highest EniUtilization per cluster, worst first."""
    return (
        f"SELECT MAX({contract.ENI_UTILIZATION}) FROM {_cluster_schema(namespace)} "
        f"GROUP BY ClusterName ORDER BY MAX() DESC LIMIT {limit}"
    )


def untrunked_instances_per_cluster(namespace: str, limit: int = MAX_SERIES_PER_QUERY) -> str:
    """Untrunked trunk-capable instances per cluster, most first."""
    return (
        f"SELECT MAX({contract.UNTRUNKED_INSTANCES}) FROM {_cluster_schema(namespace)} "
        f"GROUP BY ClusterName ORDER BY MAX() DESC LIMIT {limit}"
    )


def cluster_sum(namespace: str, metric_name: str) -> str:
    """One series per cluster of a per-cluster count (tasks or capacity)."""
    return f"SELECT SUM({metric_name}) FROM {_cluster_schema(namespace)} GROUP BY ClusterName"


def _event_schema(namespace: str) -> str:
    return _schema(namespace, contract.EVENT_DIMENSIONS)


def exhaustion_events_total(namespace: str) -> str:
    """All exhaustion events, every reason, as one series."""
    return f"SELECT SUM({contract.IP_EXHAUSTION_EVENTS}) FROM {_event_schema(namespace)}"


def exhaustion_events_by_reason(namespace: str) -> str:
    """One series per exhaustion reason."""
    return f"SELECT SUM({contract.IP_EXHAUSTION_EVENTS}) FROM {_event_schema(namespace)} GROUP BY Reason"
