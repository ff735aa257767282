"""The cookies of a FranceConnect sign-in, shared by its HTTP routes and the first-visit page."""

LOGIN_COOKIE = "cjeune_franceconnect"  # binds a login under way to the browser that started it
ARRIVAL_COOKIE = "cjeune_franceconnect_arrivee"  # a first visit's ticket
