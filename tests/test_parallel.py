"""The executor seam: order kept, window bounded, a dying worker contained."""

from __future__ import annotations

import os

from newsdesk.parallel import InlineExecutor, ProcessExecutor


def square(n: int) -> int:
    return n * n


def die_on_three(n: int) -> int:
    if n == 3:
        os._exit(1)  # a worker killed mid-item, as by a segfault or the OOM killer
    return n


def test_process_executor_keeps_input_order():
    ex = ProcessExecutor(2, on_crash=lambda item, exc: None)
    try:
        assert list(ex.map(square, range(50))) == [n * n for n in range(50)]
    finally:
        ex.close()


def test_process_executor_pulls_input_lazily():
    pulled: list[int] = []

    def source():
        for n in range(1000):
            pulled.append(n)
            yield n

    ex = ProcessExecutor(2, on_crash=lambda item, exc: None, window_per_worker=2)
    try:
        results = ex.map(square, source())
        assert next(results) == 0
        assert len(pulled) <= 4 + 1
    finally:
        ex.close()


def test_worker_crash_becomes_a_result_and_the_rest_goes_on():
    ex = ProcessExecutor(2, on_crash=lambda item, exc: ("crashed", item))
    try:
        out = list(ex.map(die_on_three, range(8)))
    finally:
        ex.close()
    assert ("crashed", 3) in out
    assert [x for x in out if isinstance(x, int)] == [0, 1, 2, 4, 5, 6, 7]


def test_inline_executor():
    assert list(InlineExecutor().map(square, [1, 2, 3])) == [1, 4, 9]
