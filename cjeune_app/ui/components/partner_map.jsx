// Map of partners (Leaflet + OpenStreetMap tiles, markers grouped with Leaflet.markercluster).
// Either `markers` are given (a partner's page), or `query` is the search's query string and the
// map fetches every result of the search from the API (never only the page shown in the list).
// The list view works without it.
import React, { useEffect, useState } from "react";
import L from "leaflet";
import { MapContainer, TileLayer, useMap } from "react-leaflet";
import "leaflet/dist/leaflet.css";
import "leaflet.markercluster/dist/MarkerCluster.css";
import "leaflet.markercluster/dist/MarkerCluster.Default.css";

const MARSEILLE = [43.2965, 5.3698];
const SEARCH_MAP_API = "/api/v1/search/map";

// The plugin extends the global L: load it once Leaflet is that global.
let clusterPlugin = null;
function loadClusterPlugin() {
  if (!clusterPlugin) {
    window.L = L;
    clusterPlugin = import("leaflet.markercluster");
  }
  return clusterPlugin;
}

function popupOf(point) {
  // Built as DOM nodes (names are partners' own text, never HTML).
  const box = document.createElement("div");
  const link = document.createElement("a");
  link.href = point.href;
  link.textContent = point.name;
  link.style.fontWeight = "700";
  box.append(link, document.createElement("br"), document.createTextNode(point.subtitle || ""));
  return box;
}

const ICON = L.divIcon({ className: "partner-marker", iconSize: [18, 18], iconAnchor: [9, 9], popupAnchor: [0, -8] });

function Clustered({ points }) {
  const map = useMap();
  useEffect(() => {
    let group = null;
    let cancelled = false;
    loadClusterPlugin().then(() => {
      if (cancelled) return;
      group = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 45 });
      group.addLayers(points.map((p) =>
        L.marker([p.latitude, p.longitude], { icon: ICON, title: p.name, alt: p.name }).bindPopup(popupOf(p))));
      map.addLayer(group);
      if (points.length === 1) map.setView([points[0].latitude, points[0].longitude], 13);
      else if (points.length > 1) map.fitBounds(group.getBounds(), { padding: [24, 24], maxZoom: 14 });
    });
    return () => {
      cancelled = true;
      if (group) map.removeLayer(group);
    };
  }, [map, points]);
  return null;
}

function useSearchPoints(query) {
  const [state, setState] = useState({ points: [], status: "loading" });
  useEffect(() => {
    if (query === undefined || query === null) return undefined;
    const controller = new AbortController();
    setState((previous) => ({ points: previous.points, status: "loading" }));
    fetch(`${SEARCH_MAP_API}?${query}`, { signal: controller.signal, credentials: "omit" })
      .then((answer) => (answer.ok ? answer.json() : Promise.reject(answer.status)))
      .then((body) => setState({ points: body.points, status: "ready" }))
      .catch((error) => {
        if (error?.name !== "AbortError") setState({ points: [], status: "error" });
      });
    return () => controller.abort();
  }, [query]);
  return state;
}

export function PartnerMap({ markers, query, tileUrl, height }) {
  const fetched = useSearchPoints(query);
  const fromSearch = query !== undefined && query !== null;
  const points = (fromSearch ? fetched.points : markers || []).filter(
    (m) => m.latitude !== null && m.longitude !== null);
  return (
    <div role="region" aria-label="Carte des partenaires" style={{ width: "100%" }}
         data-points={points.length} aria-busy={fromSearch && fetched.status === "loading"}>
      {fromSearch && fetched.status === "error" && (
        <p role="alert">La carte n'a pas pu être chargée. La liste des résultats reste disponible.</p>
      )}
      <MapContainer center={MARSEILLE} zoom={10} scrollWheelZoom={false}
                    style={{ height: height || "420px", width: "100%", borderRadius: "0.6rem" }}>
        <TileLayer url={tileUrl || "https://tile.openstreetmap.org/{z}/{x}/{y}.png"}
                   attribution='&copy; les contributeurs d&apos;<a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>' />
        <Clustered points={points} />
      </MapContainer>
    </div>
  );
}
