"""The monthly report for the city's leadership: Vietnamese first, English too.

``build_report(outputs/<as-of>/, lang="vi")`` writes ``report.html`` (self-contained),
``tables.xlsx`` and, on request, ``report.pdf`` from a run's tables; ``dxecon report``
is its command line.
"""

from dxecon.report.build import build_report, open_run

__all__ = ["build_report", "open_run"]
