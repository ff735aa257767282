"""What Reflex loads and saves for each screen event (bench/bench_events.py measures its cost):

- a state with a computed var is created and saved for every session, whatever its page: the app's
  states have none (page expressions or plain vars set with the data instead);
- an event loads its state, its parents and all its substates: the session state, which every
  private page's event reads to resolve the actor, has no substates (page states are independent);
- the search's results are shown by the browser and recomputed when needed, never saved with the
  session.
"""

from __future__ import annotations

import reflex as rx
from reflex.state import BaseState

import cjeune_app.cjeune_app  # noqa: F401  (every page and its state)
from cjeune_app.ui.components.partner_cards import PartnerItem
from cjeune_app.ui.pages.partners_search import SearchState
from cjeune_app.ui.state import SessionState


def app_states() -> list[type[BaseState]]:
    found, pending = [], list(rx.State.get_substates())
    while pending:
        state = pending.pop()
        pending.extend(state.get_substates())
        if state.__module__.startswith("cjeune_app."):
            found.append(state)
    return found


def test_no_app_state_has_a_computed_var():
    states = app_states()
    assert len(states) > 40
    with_computed = {state.__name__: sorted(state.computed_vars) for state in states if state.computed_vars}
    assert with_computed == {}


def test_the_session_state_loads_no_page_state_with_it():
    assert SessionState.get_substates() == set()
    assert SessionState.get_parent_state() is rx.State


def test_the_search_results_are_not_saved_with_the_session():
    state = SearchState(init_substates=False, _reflex_internal_init=True)
    state.q, state.total = "judo", 20
    state.results = [PartnerItem(id=str(n), name=f"Club de judo {n}", commune="Arles") for n in range(20)]
    saved = state._serialize()
    assert b"Club de judo" not in saved
    loaded = BaseState._deserialize(data=saved)
    assert (loaded.q, loaded.total, loaded.results) == ("judo", 20, [])
