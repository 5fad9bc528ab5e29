"""The law as it stood on the day of the meeting (appraisals/reports/law.py)."""

import datetime as dt

import pytest

from appraisals.reports.law import powers_on

TODAY = [
    "Localism Act 2011 s.1: the general power of competence",
    "Localism Act 2011 s.4: trading for a commercial purpose through a company",
    "Local Government Act 2003 s.95: power to trade",
    "Procurement Act 2023 (in force since 24 February 2025, replacing the Public Contracts "
    "Regulations 2015): choosing the private partner",
]


def test_today_the_catalogue_is_cited_as_it_stands():
    assert powers_on(TODAY, dt.date(2026, 6, 1)) == TODAY
    assert powers_on(TODAY, None) == TODAY


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (
            dt.date(2020, 5, 1),
            [
                *TODAY[:3],
                "Public Contracts Regulations 2015: choosing the private partner",
            ],
        ),
        (
            dt.date(2011, 10, 31),
            [
                "Local Government Act 2000 s.2: the well-being power",
                "Local Government Act 2003 s.95: power to trade",
                "Public Contracts Regulations 2006: choosing the private partner",
            ],
        ),
    ],
)
def test_a_paper_for_an_earlier_meeting_cites_the_law_of_its_day(day, expected):
    assert powers_on(TODAY, day) == expected


def test_the_day_an_act_comes_into_force_it_is_cited():
    assert powers_on(TODAY[3:], dt.date(2025, 2, 24)) == TODAY[3:]
    assert powers_on(TODAY[3:], dt.date(2025, 2, 23)) == [
        "Public Contracts Regulations 2015: choosing the private partner"
    ]


@pytest.mark.parametrize(
    ("officer", "line", "cited"),
    [
        ("Local Government Acts 1972 and 2000.", "Local Government Act 1972 s.113: staff", True),
        ("Local Government Acts 1972 and 2000.", "Local Government Act 2000 ss.9EA–9EB", True),
        ("Section 101 of the Local Government Act 1972.", "Local Government Act 2003 s.95", False),
        (
            "Section 101 of the Local Government Act 1972.",
            "Local Authorities (Goods and Services) Act 1970: supplying services",
            False,
        ),
        (
            "TUPE will apply.",
            "Transfer of Undertakings (Protection of Employment) "
            "Regulations 2006 (TUPE), for staff",
            True,
        ),
        (
            "The council's best value duty applies.",
            "best value duty (Local Government Act 1999 s.3)",
            True,
        ),
        ("Existing powers are enough.", "Local Government Act 1972 ss.101–102", False),
    ],
)
def test_what_the_officer_cites_is_recognised_however_it_is_spelt(officer, line, cited):
    from appraisals.reports.law import cited_already

    assert cited_already(line, officer) is cited
