"""A notebook run for a past month whose data did not exist yet says so and goes on.

``dxecon run --as-of 2021-01`` must complete although, as of January 2021, GSO had not yet
published any digital-economy share. A notebook wraps the call that needs such data::

    with unless_published(ctx.as_of):
        result = run_step("scenario", ctx, scenario=name)

When the call raises `SeriesSelectionError` (nothing published by the as-of date, named by
the error), the block shows a note saying what was missing and every later cell of the
notebook becomes empty: the notebook ends there, successfully, instead of failing the run.
Put the ``with`` block at the end of its cell. Any other error still fails loudly.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from dxecon.core.errors import SeriesSelectionError

__all__ = ["nothing_published_text", "unless_published"]


def nothing_published_text(as_of: str, exc: Exception) -> str:
    """The note a reader sees: what was missing as of the date, and that the rest is skipped."""
    return (
        f"**Nothing to show as of {as_of}.** What this notebook needs had not been published "
        f"by then: {exc}. The rest of this notebook is skipped for this as-of date; the other "
        "notebooks of the run go on."
    )


def _skip_following_cells() -> bool:
    """Make every later cell of the running IPython kernel a no-op (False outside one)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with the notebook environment
        return False
    shell = get_ipython()
    if shell is None:
        return False
    shell.input_transformers_post.append(lambda lines: [])
    return True


@contextmanager
def unless_published(as_of: str) -> Iterator[None]:
    """Run the block; if it fails for want of published data, say so and skip the rest.

    Raises
    ------
    SeriesSelectionError
        Outside IPython (a script or a test calling the block directly): the error as is.
    """
    try:
        yield
    except SeriesSelectionError as exc:
        from IPython.display import Markdown, display

        if not _skip_following_cells():
            raise
        display(Markdown(nothing_published_text(as_of, exc)))
