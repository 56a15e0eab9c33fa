"""The vis-ma-vie pairing solver on hand-made cases whose best pairing is known, and against a
brute force over every set of pairs on small random cases."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest

from cordee.analytics.pairing import Person, Unpaired, pairs_propose, weights

D = [dt.date(2027, 3, day) for day in range(1, 11)]


def person(pid: int, days: list[int], *, pods: tuple[int, ...] = (), capacity: int = 1) -> Person:
    return Person(
        id=pid, pods=frozenset(pods), capacity=capacity, days=frozenset(D[d] for d in days)
    )


def pairs_of(proposal: object) -> set[tuple[int, int]]:
    return {(p.marketer, p.salesperson) for p in proposal.pairs}  # type: ignore[attr-defined]


def greedy(marketers: list[Person], salespeople: list[Person]) -> set[tuple[int, int]]:
    """What a person would do by hand: each marketer in turn takes the free salesperson with
    whom they share the most days."""
    taken: set[int] = set()
    chosen = set()
    for m in marketers:
        free = [s for s in salespeople if s.id not in taken and m.days & s.days]
        if free:
            best = max(free, key=lambda s: (len(m.days & s.days), -s.id))
            taken.add(best.id)
            chosen.add((m.id, best.id))
    return chosen


def test_the_best_pairing_pairs_everyone_where_the_greedy_choice_leaves_someone_alone() -> None:
    # M1 (1) shares days 0–1 with S1 (11) and day 1 with S2 (12); M2 (2) shares only day 0 with S1.
    m1, m2 = person(1, [0, 1]), person(2, [0])
    s1, s2 = person(11, [0, 1]), person(12, [1])
    assert greedy([m1, m2], [s1, s2]) == {(1, 11)}  # M1–S1 first: M2 and S2 left alone
    proposal = pairs_propose([m1, m2], [s1, s2])
    assert pairs_of(proposal) == {(1, 12), (2, 11)}
    assert proposal.unpaired == {}
    (m1_s2,) = [p for p in proposal.pairs if p.marketer == 1]
    assert m1_s2.days == (D[1],)


def test_someone_with_no_valid_pair_is_reported_with_the_reason() -> None:
    m1 = person(1, [0, 1])
    lonely = person(2, [7])  # nobody on the sales side is there on day 7
    earlier = person(3, [2])  # only S2 shares day 2, and they were paired before
    s1, s2 = person(11, [0, 1]), person(12, [2])
    proposal = pairs_propose([m1, lonely, earlier], [s1, s2], forbidden=[(3, 12)])
    assert pairs_of(proposal) == {(1, 11)}
    assert proposal.unpaired == {
        2: Unpaired.NO_COMMON_DAY,
        3: Unpaired.EARLIER_PARTNERS,
        12: Unpaired.EARLIER_PARTNERS,
    }


def test_a_host_receives_up_to_its_capacity_and_the_one_left_over_is_told_why() -> None:
    host = person(11, [0, 1, 2], capacity=2)
    m1, m2, m3 = person(1, [0, 1]), person(2, [1, 2]), person(3, [2])
    proposal = pairs_propose([m1, m2, m3], [host])
    assert len(proposal.pairs) == 2
    # the tie between the three is broken by the common days: M1 and M2 share two, M3 one
    assert pairs_of(proposal) == {(1, 11), (2, 11)}
    assert proposal.unpaired == {3: Unpaired.PARTNERS_FULL}


def test_an_earlier_pair_is_never_proposed_again() -> None:
    m1, s1, s2 = person(1, [0, 1]), person(11, [0, 1]), person(12, [5])
    proposal = pairs_propose([m1], [s1, s2], forbidden=[(1, 11)])
    assert proposal.pairs == ()
    assert proposal.unpaired == {
        1: Unpaired.EARLIER_PARTNERS,
        11: Unpaired.EARLIER_PARTNERS,
        12: Unpaired.NO_COMMON_DAY,
    }


def test_pairs_from_different_pods_are_preferred() -> None:
    # pod 100: M1 and S1; pod 200: M2 and S2; everyone shares every day
    m1, m2 = person(1, [0, 1], pods=(100,)), person(2, [0, 1], pods=(200,))
    s1, s2 = person(11, [0, 1], pods=(100,)), person(12, [0, 1], pods=(200,))
    proposal = pairs_propose([m1, m2], [s1, s2])
    assert pairs_of(proposal) == {(1, 12), (2, 11)}
    assert all(p.cross_pod for p in proposal.pairs)


def test_pairing_more_people_comes_before_crossing_pods() -> None:
    # the only way to pair all four keeps both pairs inside their pods
    m1, m2 = person(1, [0], pods=(100,)), person(2, [1], pods=(200,))
    s1, s2 = person(11, [0], pods=(100,)), person(12, [1, 0], pods=(200,))
    proposal = pairs_propose([m1, m2], [s1, s2])
    assert pairs_of(proposal) == {(1, 11), (2, 12)}
    assert not any(p.cross_pod for p in proposal.pairs)


def test_spare_host_capacity_is_used_once_everyone_is_paired() -> None:
    m1, m2 = person(1, [0, 1], capacity=2), person(2, [0, 1])
    s1, s2 = person(11, [0, 1], capacity=2), person(12, [0, 1])
    proposal = pairs_propose([m1, m2], [s1, s2])
    # four people paired by two pairs, and M1–S1 added: both still had room
    assert pairs_of(proposal) == {(1, 12), (2, 11), (1, 11)}


def test_a_pair_kept_by_hand_stays_even_when_it_is_not_the_best() -> None:
    m1, m2 = person(1, [0, 1]), person(2, [0])
    s1, s2 = person(11, [0, 1]), person(12, [1])
    proposal = pairs_propose([m1, m2], [s1, s2], fixed=[(1, 11)])
    assert pairs_of(proposal) == {(1, 11)}
    assert [p.fixed for p in proposal.pairs] == [True]
    assert proposal.unpaired == {2: Unpaired.PARTNERS_FULL, 12: Unpaired.PARTNERS_FULL}


def test_pairs_kept_by_hand_beyond_a_capacity_are_refused() -> None:
    with pytest.raises(ValueError):
        pairs_propose([person(1, [0]), person(2, [0])], [person(11, [0])], fixed=[(1, 11), (2, 11)])


def test_the_same_people_in_another_order_get_the_same_pairs() -> None:
    marketers = [person(i, [0, 1, 2]) for i in range(1, 5)]
    sales = [person(10 + i, [0, 1, 2]) for i in range(1, 5)]
    first = pairs_propose(marketers, sales)
    again = pairs_propose(list(reversed(marketers)), list(reversed(sales)))
    assert first.pairs == again.pairs
    assert len(first.pairs) == 4


def test_no_one_on_the_other_side() -> None:
    proposal = pairs_propose([person(1, [0])], [])
    assert proposal.pairs == ()
    assert proposal.unpaired == {1: Unpaired.NO_COMMON_DAY}


def test_the_weights_are_built_from_the_bottom() -> None:
    # X = 2 pairs at most, D = 3 days: U4 = 6, w3 = 7, U3 = 20, w2 = 21, U2 = 62, w1 = 63
    w = weights(2, 3)
    assert (w.participant, w.cross_pod, w.pair, w.day) == (63, 21, 7, 1)


def _key(chosen, by_id):  # type: ignore[no-untyped-def]
    paired = {i for edge in chosen for i in edge}
    cross = sum(1 for m, s in chosen if not (by_id[m].pods & by_id[s].pods))
    days = sum(len(by_id[m].days & by_id[s].days) for m, s in chosen)
    return (len(paired), cross, len(chosen), days)


@pytest.mark.parametrize("seed", range(25))
def test_the_solver_matches_a_brute_force_of_the_lexicographic_order(seed: int) -> None:
    rng = random.Random(seed)

    def someone(pid: int) -> Person:
        days = rng.sample(range(5), rng.randint(0, 3))
        return person(pid, days, pods=(rng.choice([100, 200]),), capacity=rng.choice([1, 1, 2]))

    ms = [someone(i) for i in range(1, rng.randint(2, 4))]
    ss = [someone(10 + i) for i in range(1, rng.randint(2, 4))]
    by_id = {p.id: p for p in (*ms, *ss)}
    forbidden = {(m.id, s.id) for m in ms for s in ss if rng.random() < 0.15}
    edges = [
        (m.id, s.id) for m in ms for s in ss if m.days & s.days and (m.id, s.id) not in forbidden
    ]
    best = (0, 0, 0, 0)
    for k in range(len(edges) + 1):
        for chosen in itertools.combinations(edges, k):
            load: dict[int, int] = {}
            for edge in chosen:
                for i in edge:
                    load[i] = load.get(i, 0) + 1
            if all(load[i] <= by_id[i].capacity for i in load):
                best = max(best, _key(chosen, by_id))
    proposal = pairs_propose(ms, ss, forbidden=forbidden)
    assert _key(sorted(pairs_of(proposal)), by_id) == best
