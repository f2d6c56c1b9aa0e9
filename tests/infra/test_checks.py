"""cdk-nag, cfn-lint, the Lambda asset and configuration errors, as `cdk synth` sees them."""

import json
import os
import subprocess
import sys

from tests.infra.conftest import REPO_ROOT, cfn_lint


def test_given_the_app_when_synthesized_then_cdk_nag_reports_no_unacknowledged_finding(synthesized):
    report = json.loads((synthesized.outdir / "validation-report.json").read_text())
    violations = [
        (v["ruleName"], c["constructPath"])
        for plugin in report["pluginReports"]
        for v in plugin["violations"]
        for c in v["violatingConstructs"]
    ]
    assert [p["pluginName"] for p in report["pluginReports"]] == ["AwsSolutions"]
    assert violations == []


def test_given_the_synthesized_template_then_cfn_lint_finds_nothing(synthesized):
    result = cfn_lint(synthesized.outdir / "SubnetIpMonitor.template.json")
    assert result.returncode == 0, result.stdout + result.stderr


def test_given_the_lambda_asset_then_it_holds_the_lambdas_package_and_nothing_else(synthesized):
    assets = [p for p in synthesized.outdir.iterdir() if p.name.startswith("asset.") and p.is_dir()]
    assert len(assets) == 1
    shipped = sorted(str(p.relative_to(assets[0])) for p in assets[0].rglob("*") if p.is_file())
    assert all(path.startswith("lambdas/") and "__pycache__" not in path for path in shipped), shipped
    # Every function's handler is in the asset, and so is the trunk table the ECS collector reads.
    handlers = {f["Properties"]["Handler"] for f in synthesized.of_type("AWS::Lambda::Function").values()}
    assert {h.rsplit(".", 1)[0].replace(".", "/") + ".py" for h in handlers} <= set(shipped)
    assert len(handlers) == 8  # 3 collectors, forecaster, census table, event handler, composer, digest
    assert "lambdas/ecs/data/eni_trunking_limits.json" in shipped


def test_given_a_bad_threshold_when_running_the_cdk_app_then_it_exits_naming_the_key(tmp_path):
    env = {**os.environ, "CDK_OUTDIR": str(tmp_path), "CDK_CONTEXT_JSON": json.dumps({"monitor:freeAddressFloor": -1})}
    result = subprocess.run(
        [sys.executable, "app.py"], cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert (
        "Invalid configuration:\nmonitor:freeAddressFloor: Input should be greater than or equal to 0" in result.stderr
    )
    assert not (tmp_path / "manifest.json").exists()
