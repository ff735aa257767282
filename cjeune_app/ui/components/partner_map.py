"""Map of partners (local wrapper of react-leaflet + Leaflet.markercluster).

Either `markers` (id, name, subtitle, href, latitude, longitude), or `query`: the search's query
string, with which the map fetches every result from GET /api/v1/search/map itself (the
points never go through the page's state)."""

from __future__ import annotations

import reflex as rx

_source = rx.asset("partner_map.jsx", shared=True)


class PartnerMap(rx.NoSSRComponent):
    library = f"$/public{_source}"
    tag = "PartnerMap"
    lib_dependencies: list[str] = ["react-leaflet@5.0.0", "leaflet@1.9.4", "leaflet.markercluster@1.5.3"]

    markers: rx.Var[list[dict]]
    query: rx.Var[str]
    tile_url: rx.Var[str]
    height: rx.Var[str]


partner_map = PartnerMap.create
