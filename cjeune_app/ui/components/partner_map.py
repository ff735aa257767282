"""Map of partners (local wrapper of react-leaflet). Markers: id, name, subtitle, href, latitude, longitude."""

from __future__ import annotations

import reflex as rx

_source = rx.asset("partner_map.jsx", shared=True)


class PartnerMap(rx.NoSSRComponent):
    library = f"$/public{_source}"
    tag = "PartnerMap"
    lib_dependencies: list[str] = ["react-leaflet@5.0.0", "leaflet@1.9.4"]

    markers: rx.Var[list[dict]]
    tile_url: rx.Var[str]
    height: rx.Var[str]


partner_map = PartnerMap.create
