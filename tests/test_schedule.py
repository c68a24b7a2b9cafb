"""The shipped schedule files run the README's main-job command, monthly."""

from __future__ import annotations

import yaml

from dxecon.core import folders

ROOT = folders.PROJECT_ROOT


def test_cron_line_runs_the_main_job_monthly():
    lines = [
        line
        for line in (ROOT / "deploy/cron/dxecon-monthly.cron").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert len(lines) == 1
    minute, hour, day, month, weekday, *command = lines[0].split()
    assert (day, month, weekday) == ("8", "*", "*") and minute.isdigit() and hour.isdigit()
    assert "./dx main" in " ".join(command)


def test_systemd_timer_and_service():
    service = (ROOT / "deploy/systemd/dxecon-monthly.service").read_text()
    timer = (ROOT / "deploy/systemd/dxecon-monthly.timer").read_text()
    assert "ExecStart=/opt/dxecon/dx main" in service and "Type=oneshot" in service
    assert "OnCalendar=*-*-08 06:00:00" in timer and "Persistent=true" in timer


def test_scheduled_workflow_runs_tests_then_main_job():
    workflow = yaml.safe_load((ROOT / ".github/workflows/monthly.yml").read_text())
    trigger = workflow.get("on") or workflow.get(True)  # YAML 1.1 reads 'on' as True
    assert trigger["schedule"][0]["cron"] == "0 6 8 * *"
    steps = [s.get("run", "") for s in workflow["jobs"]["forecast"]["steps"]]
    assert any("./dx test" in s for s in steps) and any(s.strip() == "./dx main" for s in steps)
