"""The door into core: one function per action a person can take.

Each use case receives the `Actor` (or, before signing in, what the person typed), opens and owns
its unit of work (`core.db.session_scope`), checks permission through `core.permissions`, calls
the domains and returns a typed result (a frozen dataclass) or raises a `core.errors.Refusal`.
The Reflex pages (`ui/`) and the HTTP routes (`api/`) only parse input, call one use case and
render what it returns: no transaction, engine or query lives above this package.

One module per area of the service (accounts, enrollment, cards, partners...). A new feature adds
its functions here, and its rules in the domain package below.
"""
