"""FranceConnect: signing a Parent in through the State's identity provider (OpenID Connect).

`client` speaks to the provider through Authlib (discovery, authorization URL with state, nonce
and PKCE, code exchange, ID token signature and claims); `logins` keeps each login under way in
the database, single use and short-lived; `identities` links a FranceConnect `sub` to a Parent
account and remembers each session's ID token for the sign-out at the provider.
"""
