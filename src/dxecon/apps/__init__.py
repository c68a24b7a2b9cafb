"""The apps layer: what people run. ``cli`` (the ``dxecon`` command, one click group),
``monthly`` (the unattended monthly job), ``explorer`` (the scenario explorer),
``notebooks`` (the Jupyter kernel, refreshing stored outputs). May import from every layer
below; nothing imports from here."""
