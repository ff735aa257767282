/* Installable app: registers the service worker, offers Chromium's install prompt on the buttons
 * marked data-installer-app, says when the network is gone, and reloads a tab left open across a
 * new version whose lazily loaded parts (map, scanner...) no longer exist on the server. */
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
  window.addEventListener("unhandledrejection", (event) => {
    const message = String((event.reason && event.reason.message) || event.reason || "");
    if (/dynamically imported module|Importing a module script failed|error loading dynamically/i.test(message)) {
      reloadForNewVersion();
    }
  });
})();
