import reflex as rx


def index() -> rx.Component:
    return rx.text("Bonjour")


app = rx.App()
app.add_page(index, route="/")
