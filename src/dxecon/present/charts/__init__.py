"""Charts a person can read, built without pyplot: ``plots`` (the common figures: fans,
lines, bars, saving, the chart data line nbval compares), ``scenario`` (fans of a scenario
run), ``sweep`` (tornado and surface). matplotlib loads on the first chart drawn."""
