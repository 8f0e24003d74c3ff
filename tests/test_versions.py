"""Releases sort as pip orders them (PEP 440): a pre-release before its final release, never a TypeError."""

from __future__ import annotations

from reducer.release.releases import sort_versions


def test_a_release_candidate_sorts_before_its_release():
    assert sort_versions(["3.2.0", "3.2.0rc1"]) == ["3.2.0rc1", "3.2.0"]


def test_pep_440_order():
    given = ["3.2.0.post1", "3.10.0", "3.2.0", "3.2.0.dev1", "3.2.0rc1", "3.2.0b2", "3.1.9", "3.2.0rc1"]
    assert sort_versions(given) == ["3.1.9", "3.2.0.dev1", "3.2.0b2", "3.2.0rc1", "3.2.0", "3.2.0.post1", "3.10.0"]


def test_a_name_that_is_no_version_sorts_last_instead_of_failing():
    assert sort_versions(["nightly", "3.2.0", "3.1.0"]) == ["3.1.0", "3.2.0", "nightly"]
