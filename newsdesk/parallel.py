"""Executors: where stage functions run.

The pipeline only needs ``map(fn, items)`` that yields results in input order
and keeps a bounded number of items in flight (so memory stays flat however
large the input).  :class:`InlineExecutor` runs in this process,
:class:`ProcessExecutor` in a pool of worker processes; a distributed executor
(Ray) fits the same seam.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]: ...

    def close(self) -> None: ...


class InlineExecutor:
    """Runs each item in the calling process: for one worker, tests and debugging."""

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        for item in items:
            yield fn(item)

    def close(self) -> None:
        pass


class ProcessExecutor:
    """A process pool with a bounded window of in-flight items.

    ``on_crash(item, exc)`` turns an item whose worker died (a segfault in a
    C extension, the OOM killer) into a result, and the pool is restarted, so
    one poisonous document cannot end the batch.
    """

    def __init__(
        self,
        workers: int,
        on_crash: Callable[[object, BaseException], object],
        window_per_worker: int = 4,
    ) -> None:
        self.workers = max(1, workers)
        self.window = self.workers * window_per_worker
        self.on_crash = on_crash
        self._pool = ProcessPoolExecutor(max_workers=self.workers)

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        pending: deque[tuple[T, Future[R]]] = deque()
        iterator = iter(items)
        exhausted = False
        while True:
            while not exhausted and len(pending) < self.window:
                try:
                    item = next(iterator)
                except StopIteration:
                    exhausted = True
                    break
                pending.append((item, self._submit(fn, item)))
            if not pending:
                return
            item, future = pending.popleft()
            try:
                yield future.result()
                continue
            except BrokenProcessPool:
                pass
            # The pool died with several items in flight; which one killed it is
            # unknown, so each is retried alone before being blamed.
            self._restart()
            try:
                yield self._submit(fn, item).result()
            except BrokenProcessPool as exc:
                self._restart()
                yield self.on_crash(item, exc)  # type: ignore[misc]
            pending = deque((it, self._submit(fn, it)) for it, _ in pending)

    def _submit(self, fn: Callable[[T], R], item: T) -> Future[R]:
        try:
            return self._pool.submit(fn, item)
        except BrokenProcessPool:
            self._restart()
            return self._pool.submit(fn, item)

    def _restart(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = ProcessPoolExecutor(max_workers=self.workers)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
