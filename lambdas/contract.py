"""The metric contract shared by the collectors, the alarms and the dashboard: names, units, dimensions."""

DEFAULT_NAMESPACE = "SubnetIpMonitor"

# Per subnet; dimensions exactly (VpcId, SubnetId, AvailabilityZone).
AVAILABLE_IP_ADDRESS_COUNT = "AvailableIpAddressCount"
IP_UTILIZATION = "IpUtilization"
SUBNET_DIMENSIONS = ("VpcId", "SubnetId", "AvailabilityZone")

# Per run of a collector, published only when a run had failures (so a healthy run costs no extra call).
COLLECTOR_FAILURES = "CollectorFailures"
COLLECTOR_DIMENSIONS = ("Collector",)
# Per run of a collector, always (1), in the run's last PutMetricData batch: its absence is the alarm.
COLLECTOR_HEARTBEAT = "CollectorHeartbeat"

UNIT_COUNT = "Count"
UNIT_PERCENT = "Percent"

# Per ECS cluster; dimension exactly (ClusterName).
ENI_TASKS_RUNNING = "EniTasksRunning"
ENI_TASK_CAPACITY = "EniTaskCapacity"
ENI_UTILIZATION = "EniUtilization"
UNTRUNKED_INSTANCES = "UntrunkedInstances"
CLUSTER_DIMENSIONS = ("ClusterName",)

# Per exhaustion event caught by the event handler (one data point per event); dimension exactly (Reason).
IP_EXHAUSTION_EVENTS = "IpExhaustionEvents"
EVENT_DIMENSIONS = ("Reason",)
# Per event the handler could not parse (no dimension); the event itself is kept in the dead-letter queue.
UNPARSED_EVENTS = "UnparsedEvents"
