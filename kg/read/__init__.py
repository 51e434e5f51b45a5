"""read stage: files, directories, JSONL/JSON, HTML and stdin → a lazy stream of Articles.

    for article in iter_articles(["corpus/", "extra.jsonl", "-"], warn=print):
        ...

`iter_articles` is a generator: nothing is opened until it is iterated, directories are listed
one at a time and JSONL is read line by line, so memory does not grow with the corpus.

Errors: a bad file or line raises `kg.errors.InputError` (one line naming the file and line)
*when the generator reaches it* — articles before it have already been yielded.  A caller that
must not write anything from a batch containing bad input runs the streaming pre-pass
`check_inputs(paths)` first: it raises at the first problem before anything is written, and
otherwise returns counts (handy as a progress total).  With `skip_bad=True` bad items are
reported through `warn` and skipped instead.  Pass `warn=None` to one of the two passes to
avoid hearing about each encoding fallback or skip twice.

Standard input ("-") can be read only once; `check_inputs` spools it to a temporary file that
the following `iter_articles` replays.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from kg.errors import InputError
from kg.model import Article
from kg.read.context import ReadContext, ReadStats
from kg.read.formats import read_source
from kg.read.ids import IdError, IdRegistry
from kg.read.sources import FORMATS, STDIN, iter_sources, os_error

__all__ = ["DEFAULT_MAX_CHARS", "FORMATS", "ReadStats", "check_inputs", "iter_articles"]

# spaCy refuses longer texts by default (nlp.max_length), and parsing memory grows with length.
DEFAULT_MAX_CHARS = 1_000_000


def iter_articles(
    paths: Sequence[str],
    *,
    skip_bad: bool = False,
    warn: Callable[[str], None] | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    stats: ReadStats | None = None,
    article_id: str | None = None,
) -> Iterator[Article]:
    """Articles from files, directories (recursively; hidden entries and unknown extensions
    skipped) and "-" for stdin, in a deterministic order.

    `warn` receives one-line messages (encoding fallbacks, skipped items); without it they go
    to the "kg.read" logger.  `stats`, if given, is updated as the generator is consumed.
    Two inputs reaching one article id are read once when they are the same article, and are
    an InputError otherwise (kg.read.ids); `article_id` gives the input's one article that id.
    """
    ctx = ReadContext(
        skip_bad=skip_bad,
        warn_fn=warn,
        max_chars=max_chars,
        stats=stats if stats is not None else ReadStats(),
    )
    ids = IdRegistry(article_id)
    for source in iter_sources(paths, ctx):
        try:
            for article in read_source(source, ctx):
                admitted = ids.admit(article, ctx)
                if admitted is None:
                    continue
                ctx.stats.articles += 1
                yield admitted
        except IdError:
            raise
        except InputError as err:
            ctx.bad(err)
        except OSError as err:  # an I/O error part-way through a file, e.g. a vanished mount
            ctx.bad(os_error(source.path, err))


def check_inputs(
    paths: Sequence[str],
    *,
    skip_bad: bool = False,
    warn: Callable[[str], None] | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    article_id: str | None = None,
) -> ReadStats:
    """Read everything once without keeping it: raise InputError at the first bad item
    (or, with skip_bad, warn and count it) and return the counts.

    It streams like iter_articles and costs about as much (JSON must be parsed and HTML
    extracted to know they hold an article), so use it when all-or-nothing matters.
    """
    from kg.read.sources import spool_pipes, spool_stdin

    if STDIN in paths:
        spool_stdin()
    spool_pipes(paths)
    stats = ReadStats()
    for _ in iter_articles(
        paths, skip_bad=skip_bad, warn=warn or _ignore, max_chars=max_chars, stats=stats, article_id=article_id
    ):
        pass
    return stats


def _ignore(_message: str) -> None:
    """check_inputs without a warn callback stays silent: the real read will report."""
