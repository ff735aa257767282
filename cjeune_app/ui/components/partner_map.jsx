// Map of search results (Leaflet + OpenStreetMap tiles). The list view works without it.
import React, { useEffect } from "react";
import { MapContainer, TileLayer, CircleMarker, Popup, useMap } from "react-leaflet";
import "leaflet/dist/leaflet.css";

const MARSEILLE = [43.2965, 5.3698];

function FitToMarkers({ points }) {
  const map = useMap();
  useEffect(() => {
    if (points.length === 1) map.setView(points[0], 13);
    else if (points.length > 1) map.fitBounds(points, { padding: [24, 24], maxZoom: 14 });
  }, [map, JSON.stringify(points)]);
  return null;
}

export function PartnerMap({ markers, tileUrl, height }) {
  const items = (markers || []).filter((m) => m.latitude !== null && m.longitude !== null);
  const points = items.map((m) => [m.latitude, m.longitude]);
  return (
    <div role="region" aria-label="Carte des partenaires" style={{ width: "100%" }}>
      <MapContainer center={points[0] || MARSEILLE} zoom={10} scrollWheelZoom={false}
                    style={{ height: height || "420px", width: "100%", borderRadius: "0.6rem" }}>
        <TileLayer url={tileUrl || "https://tile.openstreetmap.org/{z}/{x}/{y}.png"}
                   attribution='&copy; les contributeurs d&apos;<a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>' />
        <FitToMarkers points={points} />
        {items.map((m) => (
          <CircleMarker key={m.id} center={[m.latitude, m.longitude]} radius={9}
                        pathOptions={{ color: "#1d3a8a", fillColor: "#3b5bdb", fillOpacity: 0.85 }}>
            <Popup>
              <a href={m.href} style={{ fontWeight: 700 }}>{m.name}</a>
              <br />
              {m.subtitle}
            </Popup>
          </CircleMarker>
        ))}
      </MapContainer>
    </div>
  );
}
