"""A step that cannot run for a past month says so, and the rest of the run goes on.

``dxecon run --as-of 2021-01`` must complete although, as of January 2021, GSO had not yet
published any digital-economy share. Such a step raises `SeriesSelectionError` (nothing
published by the as-of date, named by the error): a run records it in its manifest with
the reason and writes none of its outputs (nor those of the steps that need it), and the
notebook that opens it shows the note instead::

    with unless_published(ctx):
        result = open_step("scenario", ctx, scenario=name, output_dir=output_dir)

The block shows a note in the notebook's language (the words catalogue's
``nodata.note``) saying what was missing, and every later cell of the notebook becomes
empty: the notebook ends there, successfully. Put the ``with`` block at the end of its
cell. Any other error still fails loudly.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from dxecon.core.errors import DxeconError, SeriesSelectionError

__all__ = ["NothingPublishedError", "nothing_published_text", "unless_published"]


class NothingPublishedError(SeriesSelectionError):
    """A step a run recorded as impossible for its as-of (the data it needs were not yet
    published), raised again where a notebook opens it: ``reason`` is the run's record."""

    def __init__(self, reason: str) -> None:
        DxeconError.__init__(self, reason)
        self.field, self.value, self.allowed = None, None, []


def nothing_published_text(as_of: str, exc: Exception, lang: str = "vi") -> str:
    """The note a reader sees: what was missing as of the date, and that the rest is
    skipped, in ``lang``."""
    from dxecon.present.words import Words

    words = Words(lang)
    return words("nodata.note", as_of=words.month(as_of), reason=str(exc))


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
def unless_published(ctx) -> Iterator[None]:
    """Run the block; if it fails for want of published data, say so in the context's
    language (``ctx``: a `dxecon.pipeline.context.Context`) and skip the rest.

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
        display(Markdown(nothing_published_text(ctx.as_of, exc, ctx.lang)))
