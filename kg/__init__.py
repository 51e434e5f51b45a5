"""quotegraph: quote and attribution knowledge graphs from news articles.

Pipeline stages, one sub-package each: read → extract → resolve → graph → store → query/export.
"""

__version__ = "0.1.0"
