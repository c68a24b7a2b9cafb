"""The present layer: everything a reader sees, made from results.

``words`` (the one catalogue of words, ``catalogue.yaml``: Vietnamese by default, English
with ``lang: en``), ``tables`` (tables as a reader sees them), ``charts`` (every chart),
``narrative``, ``scenario_text`` (sentences rendered from results). Imports from
`dxecon.core`, `dxecon.data` and `dxecon.models` only; importing this package loads nothing.
"""
