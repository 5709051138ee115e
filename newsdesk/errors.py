"""The one exception tree of newsdesk.

Catch :class:`NewsdeskError` to catch everything newsdesk raises on purpose.
The tree says *which stage* failed and so what a caller can do about it::

    NewsdeskError
    ├── InputError            the input itself is unusable; skip it, record why
    │   ├── UnsupportedInput  not a kind of file newsdesk reads (binary, unknown)
    │   ├── DecodeError       bytes that are not text in any encoding we accept
    │   ├── TooLarge          over the size limit (checked while streaming)
    │   ├── Truncated         a cut-off gzip stream or web archive
    │   ├── MalformedInput    a JSONL line, archive record or feed that won't parse
    │   └── FetchError        a URL could not be fetched (network, HTTP, policy)
    │       ├── Blocked       the address guard refused the host (private, loopback...)
    │       ├── Disallowed    robots.txt forbids the page
    │       ├── Timeout       the whole fetch ran past its deadline
    │       └── HTTPStatus    the server answered 4xx/5xx (``status``, ``retry_after``)
    ├── ExtractionError       the input read fine but holds no article
    │   └── NoArticle         nothing that looks like an article body
    ├── StoreError            the database refused; stored data is untouched
    │   ├── SchemaError       the database is newer than this newsdesk
    │   └── StoreFull         the database or its disk is full; nothing stored is lost
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


class FetchError(InputError):
    """A URL could not be fetched; a fetch that is too large raises :class:`TooLarge`.

    ``retry_after`` is the server's requested wait in seconds, when it gave one,
    so the scheduler can honour it whatever the subclass.
    """

    retry_after: float | None = None


class Blocked(FetchError):
    """The network guard refused the address (SSRF protection)."""


class Disallowed(FetchError):
    """robots.txt forbids fetching the page."""


class Timeout(FetchError):
    """The fetch ran past its overall deadline (or a connect/read timeout)."""


class HTTPStatus(FetchError):
    """The server answered with an error status."""

    def __init__(self, message: str, status: int, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class ExtractionError(NewsdeskError):
    """The input was readable but yielded no article."""


class NoArticle(ExtractionError):
    pass


class StoreError(NewsdeskError):
    """The store could not complete an operation."""


class SchemaError(StoreError):
    pass


class StoreFull(StoreError):
    """The database (or its disk, or its size limit) is full.

    The write that hit the limit was rolled back whole, so what is stored stays
    intact; the same ingest, run again once there is space, resumes.
    """


class ConfigError(NewsdeskError):
    pass
