"""Counts said as words: "1 case", "2 cases", "1,200 referrals"."""

from __future__ import annotations


def count(number: int, noun: str, plural: str | None = None) -> str:
    """`number` and `noun`, the noun plural unless there is exactly one."""
    word = noun if number == 1 else (plural or f"{noun}s")
    return f"{number:,} {word}"


def count_of(shown: int, total: int, noun: str, plural: str | None = None) -> str:
    """ "3 of 10 cases" while a filter hides some, else "10 cases"."""
    if shown == total:
        return count(total, noun, plural)
    return f"{shown:,} of {count(total, noun, plural)}"
