"""sitrep: read news reports of political violence into incident records that show their evidence.

Importing sitrep loads no model and opens no file: the pipeline is loaded by `sitrep.nlp.load_pipeline`
and the gazetteer by `sitrep.gazetteer.load_gazetteer`.
"""

from sitrep.article import Article, read_article
from sitrep.errors import ArticleError, InputError, NotEnglishError, PipelineError, SitrepError
from sitrep.records import Count, EventDate, EventRecord, Evidence, Location, Perpetrator, Quantity

__all__ = [
    "Article",
    "ArticleError",
    "Count",
    "EventDate",
    "EventRecord",
    "Evidence",
    "InputError",
    "Location",
    "NotEnglishError",
    "Perpetrator",
    "PipelineError",
    "Quantity",
    "SitrepError",
    "read_article",
]
__version__ = "0.1.0"
