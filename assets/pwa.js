/* Installable app: registers the service worker, offers Chromium's install prompt on the buttons
 * marked data-installer-app, says when the network is gone, and reloads a tab left open across a
 * new version whose lazily loaded parts (map, scanner...) or pages no longer exist on the server. */
(() => {
  if ("serviceWorker" in navigator) {
    window.addEventListener("load", () => navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch(() => {}));
  }

  // Install prompt: the buttons stay hidden until Chromium says the app can be installed.
  let installPrompt = null;
  const root = document.documentElement;
  window.addEventListener("beforeinstallprompt", (event) => {
    event.preventDefault();
    installPrompt = event;
    root.classList.add("app-installable");
  });
  window.addEventListener("appinstalled", () => {
    installPrompt = null;
    root.classList.remove("app-installable");
  });
  document.addEventListener("click", async (event) => {
    const button = event.target.closest && event.target.closest("[data-installer-app]");
    if (!button || !installPrompt) return;
    installPrompt.prompt();
    await installPrompt.userChoice;
    installPrompt = null;
    root.classList.remove("app-installable");
  });

  // A tab opened before a new version asks for files of the old build that are gone: reload once
  // (at most every 30 s, so that a real outage never loops) instead of showing an empty component.
  const RELOADED = "cjeune_reloaded_for_version";
  const reloadForNewVersion = () => {
    const last = parseInt(sessionStorage.getItem(RELOADED), 10) || 0;
    if (!navigator.onLine || Date.now() - last < 30000) return;
    sessionStorage.setItem(RELOADED, String(Date.now()));
    location.reload();
  };
  window.addEventListener("vite:preloadError", (event) => {
    event.preventDefault();
    reloadForNewVersion();
  });
  // A server restart (the "Connexion perdue" notice comes and goes) may bring a new version: its
  // build is compared with this tab's, and if it changed, the next link followed loads the new
  // version's page from the server (the router would ask for a page file of the old build, gone).
  const buildOf = (html) => (html.match(/manifest-([0-9a-f]+)\.js/) || [])[1] || "";
  // This tab's build: the manifest file it loaded (read when needed: this script may run before the
  // rest of the page is parsed).
  const ownBuild = () => {
    for (const entry of performance.getEntriesByType("resource")) {
      const found = buildOf(entry.name);
      if (found) return found;
    }
    return buildOf(document.documentElement.outerHTML);
  };
  let newVersion = false;
  let connectionLost = false;
  const compareBuilds = async () => {
    try {
      const answer = await fetch("/", {cache: "no-store", credentials: "omit"});
      const served = buildOf(await answer.text());
      const own = ownBuild();
      newVersion = newVersion || (!!served && !!own && served !== own);
    } catch (error) { /* still unreachable: the next reconnection checks again */ }
  };
  const watchConnection = () => {
    new MutationObserver(() => {
      const lost = !!document.getElementById("connexion-perdue");
      if (connectionLost && !lost) compareBuilds();
      connectionLost = lost;
    }).observe(document.body, {childList: true, subtree: true});
  };
  if (document.body) watchConnection(); else window.addEventListener("DOMContentLoaded", watchConnection);
  window.addEventListener("click", (event) => {
    if (!newVersion || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
        event.shiftKey || event.altKey) return;
    const link = event.target.closest && event.target.closest("a[href]");
    if (!link || link.target || link.hasAttribute("download") || link.origin !== location.origin) return;
    event.preventDefault();
    event.stopPropagation();
    location.assign(link.href);
  }, true);

  window.addEventListener("unhandledrejection", (event) => {
    const message = String((event.reason && event.reason.message) || event.reason || "");
    if (/dynamically imported module|Importing a module script failed|error loading dynamically/i.test(message)) {
      reloadForNewVersion();
    }
  });
})();
