"""The dashboard: stacks the sections each capability returns, plus the widget shapes they share.

Graphs are built on Metrics Insights queries, so new subnets and clusters appear without a redeploy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from constructs import Construct

from infra.core.queries import is_metrics_insights

WIDTH = 24

# A section is rows of widgets, top to bottom.
Section = list[list[cloudwatch.IWidget]]


# Every graph's query has a GROUP BY and none has a WHERE (tests/infra check both), so the account selector
# can narrow them all by rewriting this text: a pattern variable replaces it across the dashboard's JSON.
GROUP_BY = " GROUP BY "


class MonitorDashboard(Construct):
    """One dashboard for the platform team, sections in the order given (worst subnets first), with an account
    selector when given accounts (hub mode)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        sections: Sequence[Section],
        accounts: Mapping[str, str | None] | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.dashboard = cloudwatch.Dashboard(
            self,
            "Dashboard",
            default_interval=Duration.hours(3),
            variables=[account_selector(accounts)] if accounts else None,
        )
        self.widgets: list[cloudwatch.IWidget] = []
        for section in sections:
            for row in section:
                self.dashboard.add_widgets(*row)
                self.widgets.extend(row)

    def queries_per_widget(self) -> list[tuple[str, int]]:
        """Each graph's title and how many Metrics Insights queries it holds (CloudWatch runs one per request)."""
        counted = []
        for widget in self.widgets:
            for rendered in Stack.of(self).resolve(widget.to_json()):
                metrics = rendered.get("properties", {}).get("metrics", [])
                queries = [
                    m
                    for row in metrics
                    for m in row
                    if isinstance(m, dict) and is_metrics_insights(m.get("expression", ""))
                ]
                counted.append((str(rendered["properties"].get("title", "")), len(queries)))
        return counted


def account_selector(accounts: Mapping[str, str | None]) -> cloudwatch.DashboardVariable:
    """A dashboard variable narrowing every graph to one account (Metrics Insights queries have no parameters:
    the variable rewrites " GROUP BY " into " WHERE AccountId = '…' GROUP BY "); "All accounts" is the default.

    accounts maps an id to its name (monitor:accountNames) or None; accounts found only under organizational
    units are not known at synth time and appear once named in monitor:accountNames.
    """
    choices = [cloudwatch.VariableValue(label="All accounts", value=GROUP_BY)]
    choices += [
        cloudwatch.VariableValue(
            label=f"{name} ({account})" if name else account, value=f" WHERE AccountId = '{account}'{GROUP_BY}"
        )
        for account, name in sorted(accounts.items(), key=lambda item: (item[1] or "~", item[0]))
    ]
    return cloudwatch.DashboardVariable(
        id="account",
        type=cloudwatch.VariableType.PATTERN,
        label="Account",
        input_type=cloudwatch.VariableInputType.SELECT,
        value=GROUP_BY,
        values=cloudwatch.Values.from_values(*choices),
        default_value=cloudwatch.DefaultValue.FIRST,
    )


def heading(markdown: str) -> cloudwatch.TextWidget:
    """A full-width text row that opens a section."""
    return cloudwatch.TextWidget(markdown=markdown, width=WIDTH, height=2)


def query_series(query: str, period: Duration, label: str = "") -> cloudwatch.MathExpression:
    """The series of a Metrics Insights query (one per group)."""
    return cloudwatch.MathExpression(expression=query, period=period, using_metrics={}, label=label)


def query_graph(
    title: str,
    query: str,
    period: Duration,
    *,
    threshold: float | None = None,
    y_max: float | None = None,
    width: int = WIDTH // 2,
) -> cloudwatch.GraphWidget:
    """A graph of one query (half width unless told), with the alarm threshold drawn when there is one."""
    annotations = [cloudwatch.HorizontalAnnotation(value=threshold, label="alarm")] if threshold is not None else None
    return cloudwatch.GraphWidget(
        title=title,
        left=[query_series(query, period)],
        left_annotations=annotations,
        left_y_axis=cloudwatch.YAxisProps(min=0, max=y_max),
        width=width,
        height=8,
    )
