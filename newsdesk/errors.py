"""The one exception tree of newsdesk.

Catch :class:`NewsdeskError` to catch everything newsdesk raises on purpose.
The tree says *which stage* failed and so what a caller can do about it::

    NewsdeskError
    ├── InputError            the input itself is unusable; skip it, record why
    │   ├── UnsupportedInput  not a kind of file newsdesk reads (binary, unknown)
    │   ├── DecodeError       bytes that are not text in any encoding we accept
    │   ├── TooLarge          over the size limit (checked while streaming)
    │   ├── Truncated         a cut-off gzip stream or web archive
    │   └── MalformedInput    a JSONL line, archive record or feed that won't parse
    ├── ExtractionError       the input read fine but holds no article
    │   └── NoArticle         nothing that looks like an article body
    ├── StoreError            the database refused; stored data is untouched
    │   └── SchemaError       the database is newer than this newsdesk
    └── ConfigError           a bad flag or NEWSDESK_* variable

In a batch every ``InputError`` and ``ExtractionError`` becomes a
:class:`newsdesk.model.Failed` record with ``str(error)`` as its reason, and the
batch goes on.  A ``StoreError`` stops the batch, since going on could not
store anything either.
"""

from __future__ import annotations


class NewsdeskError(Exception):
    """Base of every error newsdesk raises on purpose."""


class InputError(NewsdeskError):
    """The input is unusable."""


class UnsupportedInput(InputError):
    pass


class DecodeError(InputError):
    pass


class TooLarge(InputError):
    pass


class Truncated(InputError):
    pass


class MalformedInput(InputError):
    pass


class ExtractionError(NewsdeskError):
    """The input was readable but yielded no article."""


class NoArticle(ExtractionError):
    pass


class StoreError(NewsdeskError):
    """The store could not complete an operation."""


class SchemaError(StoreError):
    pass


class ConfigError(NewsdeskError):
    pass
