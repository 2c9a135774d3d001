"""The errors sitrep raises, all under one root.

    SitrepError
     ├── ArticleError          an article that cannot be read (empty, binary, too long, not English)
     │    └── NotEnglishError
     ├── InputError            a malformed input line or a missing field
     ├── SourceError           a file, page or feed item that cannot be read
     ├── PipelineError         the English pipeline or the installed data cannot be loaded
     ├── StoreError            a store that cannot be opened, or a request it cannot serve
     └── BatchError            a batch run that cannot start or go on

Each message names the bad value and, where there is one, the next step.
"""

from __future__ import annotations


class SitrepError(Exception):
    """The root of every error sitrep raises on purpose."""


class ArticleError(SitrepError):
    """An article that cannot be processed; a batch records it and goes on."""


class NotEnglishError(ArticleError):
    """The text does not read as English."""


class InputError(SitrepError):
    """A malformed input record (bad JSON, a missing or mistyped field)."""


class PipelineError(SitrepError):
    """The spaCy pipeline or sitrep's data files cannot be loaded."""


class SourceError(SitrepError):
    """A source item that cannot be read; `sources.read_sources` turns it into a Failure and goes on."""


class StoreError(SitrepError):
    """The store cannot be opened, or was asked for something it cannot do."""


class BatchError(SitrepError):
    """A batch that cannot run: no input, two inputs with one stem, an output folder written otherwise."""
