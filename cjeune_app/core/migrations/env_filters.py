"""What autogenerate compares: everything but the search engine's hand-made full-text objects."""

from typing import Any

from cjeune_app.core.search.models import is_hand_made


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    if reflected and compare_to is None:
        table_name = obj.table.name if type_ == "column" else None
        return not is_hand_made(name, type_, table_name)
    return True
