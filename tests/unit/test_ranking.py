import numpy as np
import pytest

from assistant.ranking import order_by_score, preference_factor, reciprocal_rank_fusion, top_indices


def naive_rrf(rankings, weights, k):
    items = {i for r in rankings for i in r}
    return {
        i: sum(w / (k + r.index(i) + 1) for r, w in zip(rankings, weights, strict=True) if i in r)
        for i in items
    }


@pytest.mark.parametrize(
    ("rankings", "weights", "k"),
    [
        ([[1, 2, 3]], None, 60),
        ([[1, 2, 3], [3, 2, 1]], None, 60),
        ([[5, 1], [1, 7, 5], [9]], [1.0, 0.5, 2.0], 10),
        ([[], [4]], None, 1),
    ],
)
def test_rrf_matches_naive_reference(rankings, weights, k):
    fused = reciprocal_rank_fusion(rankings, weights, k)
    expected = naive_rrf(rankings, weights or [1.0] * len(rankings), k)
    assert fused.keys() == expected.keys()
    for item, score in expected.items():
        assert fused[item] == pytest.approx(score)


def test_rrf_rewards_agreement():
    fused = reciprocal_rank_fusion([[1, 2], [2, 1], [2, 3]])
    assert order_by_score(fused, 3)[0] == 2


@pytest.mark.parametrize(
    ("scores", "n", "allowed", "expected"),
    [
        ([0.1, 0.5, 0.3], 2, None, [1, 2]),
        ([0.1, 0.5, 0.3], 5, None, [1, 2, 0]),
        ([0.0, 0.5, 0.0], 3, None, [1]),  # zero scores are not matches
        ([0.1, 0.5, 0.3], 3, [True, False, True], [2, 0]),
        ([], 3, None, []),
    ],
)
def test_top_indices(scores, n, allowed, expected):
    mask = np.array(allowed) if allowed is not None else None
    assert top_indices(np.array(scores, dtype=float), n, mask) == expected


@pytest.mark.parametrize(
    ("report_years", "asked", "org", "rtype", "in_text", "expected"),
    [
        ([2017], [], None, None, False, 1.0),
        ([2017], [2017], None, None, False, 1.3),
        ([2016], [2017], None, None, True, 1.1),
        ([2016, 2017], [2017], True, True, True, 1.7),
        ([2020], [], False, None, False, 1.0),
    ],
)
def test_preference_factor(report_years, asked, org, rtype, in_text, expected):
    assert preference_factor(report_years, asked, org, rtype, in_text) == pytest.approx(expected)


def test_order_by_score_is_deterministic_on_ties():
    assert order_by_score({3: 1.0, 1: 1.0, 2: 2.0}, 3) == [2, 1, 3]
