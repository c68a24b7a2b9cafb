"""The bottom layer: folders, errors, atomic writes, params files, the process reaper.

Every other layer may import from here; nothing here imports from another layer.
"""
