"""Dates as written -> EDTF, the fast path agreeing with the edtf package."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archmeta.dates import _edtf_parses, edtf_bounds, is_valid_edtf, normalize_date

CASES = [
    ("April 30, 1962", "1962-04-30"),
    ("September 09, 1955", "1955-09-09"),
    ("30 April 1962", "1962-04-30"),
    ("Apr. 3, 1962", "1962-04-03"),
    ("Sept. 3, 1962", "1962-09-03"),
    ("August, 1962", "1962-08"),
    ("March 1962", "1962-03"),
    ("1955", "1955"),
    ("1989-12-06", "1989-12-06"),
    ("2004-05", "2004-05"),
    ("c. 1962", "1962~"),
    ("circa 1962", "1962~"),
    ("ca. 1962", "1962~"),
    ("c1880", "1880~"),
    ("[1962?]", "1962?"),
    ("[1962]", "1962"),
    ("1962-1965", "1962/1965"),
    ("April 30, 1962 - May 2, 1962", "1962-04-30/1962-05-02"),
    ("1950s", "195X"),
    ("1998-06-01T00:00:00Z", "1998-06-01T00:00:00Z"),
    ("1962~", "1962~"),
    ("1962-04-30 to 1962-05-02", "1962-04-30/1962-05-02"),
    ("22.05.1962", "1962-05-22"),
    ("1962/63", "1962/1963"),
    ("1962-1965?", "1962/1965?"),
    ("c. 1962 - 1965", "1962~/1965"),
    ("ca. 1950s", "195X~"),
    ("2024-01-01T00:00:00.000Z", "2024-01-01T00:00:00Z"),
    ("30.02.1962", None),
    ("undated", None),
    ("n.d.", None),
    ("February 30, 1962", None),
    ("1965-1962", None),
    ("Smarch 1962", None),
    ("", None),
]


@pytest.mark.parametrize(("written", "expected"), CASES)
def test_normalize_date(written, expected):
    assert normalize_date(written) == expected


@pytest.mark.parametrize("value", [v for _, v in CASES if v is not None])
def test_every_normalized_value_is_valid_edtf_for_the_edtf_package(value):
    assert is_valid_edtf(value)
    assert _edtf_parses(value), value


@given(
    st.integers(1000, 2100),
    st.one_of(st.none(), st.integers(0, 13)),
    st.one_of(st.none(), st.integers(0, 32)),
    st.sampled_from(["", "~", "?"]),
)
def test_fast_path_agrees_with_edtf_package(year, month, day, qualifier):
    value = f"{year:04d}"
    if month is not None:
        value += f"-{month:02d}"
        if day is not None:
            value += f"-{day:02d}"
    value += qualifier
    assert is_valid_edtf(value) == _edtf_parses(value)


@pytest.mark.parametrize(
    ("value", "bounds"),
    [
        ("1962-04-30", ("1962-04-30", "1962-04-30")),
        ("1962-02", ("1962-02-01", "1962-02-28")),
        ("1962", ("1962-01-01", "1962-12-31")),
        ("1962~", ("1962-01-01", "1962-12-31")),
        ("195X", ("1950-01-01", "1959-12-31")),
        ("1962/1965", ("1962-01-01", "1965-12-31")),
    ],
)
def test_edtf_bounds(value, bounds):
    assert edtf_bounds(value) == bounds
