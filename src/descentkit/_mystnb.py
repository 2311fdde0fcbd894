"""A myst-nb output plugin: the self-checks' machine-readable reports stay off the page.

Every self-check displays its result twice, as text (what a learner reads) and as JSON of
MIME type :data:`descentkit.checks.MIME` (what ``python -m descentkit.grade`` reads). In a
Sphinx build myst-nb renders every MIME type of an output before choosing one, and warns
about types it does not know, which fails a ``-W`` build. This plugin, registered under
myst-nb's ``myst_nb.mime_renderers`` entry point in ``pyproject.toml``, renders the JSON
as nothing and takes it out of the priority list, so the page shows the text.
"""

from .checks import MIME


class CheckReport:
    """myst-nb ``MimeRenderPlugin``: the check report renders as no node; text wins."""

    mime_priority_overrides = [("*", MIME, None)]

    @staticmethod
    def handle_mime(renderer, data, inline):
        """No nodes for a check report, None (not mine) for every other output."""
        return [] if data.mime_type == MIME else None
