"""Plotly glue: figures as <div>+<script> fragments, and plotly.js itself to inline once."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

# Interactive but quiet: no logo link to plotly.com, scroll wheel zooms.
_CONFIG = {"displaylogo": False, "responsive": True, "scrollZoom": True}


def figure_html(fig: go.Figure, div_id: str) -> str:
    """The figure as an HTML fragment with a fixed div id (plotly would pick a random one, which
    would make every report differ).  plotly escapes `<`, `>` and `/` inside its JSON, so text
    from articles cannot end the <script>."""
    # An explicit template: the user's plotly default must not change the report.
    fig.update_layout(template="simple_white")
    return pio.to_html(
        fig,
        config=_CONFIG,
        include_plotlyjs=False,
        full_html=False,
        div_id=div_id,
        validate=True,
        default_height=f"{fig.layout.height or 480}px",
    )


def plotly_js() -> str:
    """plotly.js, bundled with the Python package: the report loads nothing from the network."""
    # `</script` cannot occur in a script element's body; escaping the slash keeps the JS equal.
    return get_plotlyjs().replace("</script", "<\\/script")


def hover_escape(text: str) -> str:
    """Plotly hover labels read a little HTML (<b>, <br>): text from articles must not be read as tags."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
