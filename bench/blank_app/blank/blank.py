"""One page, one text box whose value is state: what a Reflex event costs with nothing of ours in it."""

import reflex as rx


class BlankState(rx.State):
    q: str = ""

    @rx.event
    def set_q(self, value: str) -> None:
        self.q = value


def index() -> rx.Component:
    return rx.vstack(rx.input(value=BlankState.q, on_change=BlankState.set_q), rx.text(BlankState.q))


app = rx.App()
app.add_page(index)
