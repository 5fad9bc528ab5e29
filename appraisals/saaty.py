"""Saaty's 1-9 scale in plain words, for pairwise comparison one pair at a time.

A judgement `a_ij` says how much more important criterion i is than j: 1 equally, 3 a
little, 5 much, 7 very much, 9 extremely; 2, 4, 6 and 8 lie between; 1/3 … 1/9 the other
way round. No Django: the forms, views and history all say a judgement the same way.
"""

from __future__ import annotations

from fractions import Fraction

# Each step of the scale, strongest first, as "<A> is … than <B>".
WORDS = {
    9: "extremely more important",
    8: "between very much and extremely more important",
    7: "very much more important",
    6: "between much and very much more important",
    5: "much more important",
    4: "between a little and much more important",
    3: "a little more important",
    2: "between equally and a little more important",
}
# The scale's values as the matrix form writes them, from "first is extremely more
# important" through "equal" to "second is extremely more important".
VALUES = [str(n) for n in range(9, 1, -1)] + ["1"] + [f"1/{n}" for n in range(2, 10)]


def value(text: str) -> float:
    return float(Fraction(text))


def nearest(judgement: float) -> str:
    """The step of the scale nearest a stored matrix entry (one imported may be off it)."""
    return min(VALUES, key=lambda v: abs(value(v) - judgement))


def in_words(first: str, second: str, text: str) -> str:
    """One judgement as a sentence: "Cost is much more important than Quality"."""
    n = Fraction(text)
    if n == 1:
        return f"{first} and {second} are equally important"
    if n > 1:
        return f"{first} is {WORDS[int(n)]} than {second}"
    return f"{second} is {WORDS[int(1 / n)]} than {first}"


def choices(first: str, second: str) -> list[tuple[str, str]]:
    """Every step of the scale for the pair, as (matrix value, sentence)."""
    return [(v, in_words(first, second, v)) for v in VALUES]


def pairs(n: int) -> list[tuple[int, int]]:
    """The comparisons of n criteria in the order they are asked: the matrix's upper
    triangle, row by row (as the matrix page lists them)."""
    return [(i, j) for i in range(n) for j in range(i + 1, n)]
