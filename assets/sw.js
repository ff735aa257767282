/* CJeune de Provence's service worker: the app opens without network.
 *
 * What it keeps: the pages' HTML shells (the same for everyone: the data of a signed-in person
 * comes later over the websocket, never in the HTML), the built scripts and styles, the icons.
 * What it never touches: the API (/api/...), the websocket and uploads (/_event, /_upload),
 * downloads (statements, card batches, photos), anything not a GET or from another site. A
 * person's own figures are kept by the page itself (offline.js), per account, and dropped at
 * sign-out, so that nothing private of one user can be answered to another from this cache.
 */
const VERSION = "cjeune-v1";
const SHELL = `${VERSION}-shell`;
const STATIC = `${VERSION}-static`;
const PRECACHE = ["/", "/tableau-de-bord/", "/manifest.webmanifest", "/icons/icon-192.png",
                  "/icons/icon-512.png", "/styles.css", "/pwa.js", "/offline.js"];
const NEVER = [/^\/api\//, /^\/_event/, /^\/_upload/, /^\/_health/, /^\/ping/, /^\/admin\/lots-cartes\//,
               /^\/espace-partenaire\/releves\//, /^\/mon-compte\/mes-donnees/, /^\/etablissement\/eleves\//, /^\/etablissement\/import/];
const STATIC_FILE = /\.(?:js|mjs|css|woff2?|ttf|png|svg|ico|webmanifest|json)$/;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => !n.startsWith(VERSION)).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

const cacheable = (response) =>
  response && response.ok && response.type === "basic" && !response.redirected &&
  !/no-store|private/.test(response.headers.get("Cache-Control") || "");

/* Pages: the network first (a new version shows at once), the kept shell when offline. */
async function page(request) {
  const cache = await caches.open(SHELL);
  try {
    const response = await fetch(request);
    if (cacheable(response)) cache.put(request, response.clone());
    return response;
  } catch (error) {
    const url = new URL(request.url);
    const withSlash = url.pathname.endsWith("/") ? url.pathname : `${url.pathname}/`;
    return (await cache.match(request, {ignoreSearch: true})) ||
      (await cache.match(withSlash, {ignoreSearch: true})) ||
      (await cache.match("/tableau-de-bord/")) || (await cache.match("/")) || Response.error();
  }
}

/* Built files carry their content's hash in their name: kept ones are always right. */
async function staticFile(request) {
  const cache = await caches.open(STATIC);
  const kept = await cache.match(request);
  if (kept) {
    fetch(request).then((fresh) => cacheable(fresh) && cache.put(request, fresh)).catch(() => {});
    return kept;
  }
  const response = await fetch(request);
  if (cacheable(response)) cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (NEVER.some((pattern) => pattern.test(url.pathname))) return;
  if (request.mode === "navigate") {
    event.respondWith(page(request));
  } else if (STATIC_FILE.test(url.pathname) || url.pathname.startsWith("/assets/")) {
    event.respondWith(staticFile(request));
  }
});
