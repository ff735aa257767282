/* The dashboard without network: the last balances, card and history seen, dated.
 *
 * While online, each time the dashboard shows a youth's board, its sections are copied into this
 * browser's localStorage with the time. Opened with no network (the service worker serves the
 * page's shell), the copy is shown under "Hors ligne", dated ("soldes au 25/11 à 18 h 02"), its
 * links and buttons disabled with a sentence saying why; back online, the page reloads itself.
 * The copy is dropped at sign-out and on the sign-in pages: another person signing in on this
 * phone never sees it.
 */
(() => {
  const KEY = "cjeune_tableau_hors_ligne";
  const DASHBOARD = "/tableau-de-bord";
  const SECTIONS = ["#bonjour", "#avantages", "#carte", "#historique-section"];
  const onDashboard = () => location.pathname.replace(/\/$/, "") === DASHBOARD;
  const root = document.documentElement;

  const forget = () => localStorage.removeItem(KEY);
  const read = () => {
    try {
      return JSON.parse(localStorage.getItem(KEY)) || {};
    } catch (error) {
      return {};
    }
  };

  // --- keeping the last board seen --------------------------------------------------------------
  let pending = null;
  const keep = () => {
    pending = null;
    if (!navigator.onLine || !onDashboard() || !document.querySelector("#soldes .enveloppe")) return;
    const html = SECTIONS.map((selector) => document.querySelector(selector))
      .filter(Boolean).map((node) => node.outerHTML).join("");
    const kept = read();
    kept[location.search] = {savedAt: Date.now(), html};
    try {
      localStorage.setItem(KEY, JSON.stringify(kept));
    } catch (error) {
      /* storage full: the previous copy stays */
    }
  };
  const observer = new MutationObserver(() => {
    if (pending === null && navigator.onLine && onDashboard()) pending = setTimeout(keep, 400);
  });

  // --- showing it offline ---------------------------------------------------------------------
  const dated = (time) => {
    const parts = Object.fromEntries(new Intl.DateTimeFormat("fr-FR", {
      timeZone: "Europe/Paris", day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit",
      hourCycle: "h23",
    }).formatToParts(new Date(time)).map((part) => [part.type, part.value]));
    return `soldes au ${parts.day}/${parts.month} à ${parts.hour} h ${parts.minute}`;
  };

  const show = () => {
    const main = document.querySelector("main");
    const kept = read()[location.search] || read()[""];
    if (!main || document.getElementById("instantane-hors-ligne")) return;
    const box = document.createElement("section");
    box.id = "instantane-hors-ligne";
    box.setAttribute("aria-labelledby", "titre-hors-ligne");
    const title = document.createElement("h2");
    title.id = "titre-hors-ligne";
    title.textContent = "Hors ligne";
    const when = document.createElement("p");
    when.id = "date-instantane";
    const why = document.createElement("p");
    why.id = "actions-indisponibles";
    why.textContent = "Sans réseau, associer une carte, déclarer une perte ou modifier l'inscription n'est pas " +
      "possible : ces actions reviendront dès le retour de la connexion, et la page se mettra à jour toute seule.";
    box.append(title, when, why);
    if (kept) {
      when.textContent = `Dernières informations reçues : ${dated(kept.savedAt)}.`;
      const copy = document.createElement("div");
      copy.className = "copie-hors-ligne";
      copy.innerHTML = kept.html;
      copy.querySelectorAll("[id]").forEach((node) => node.setAttribute("data-id", node.id) || node.removeAttribute("id"));
      copy.querySelectorAll("[aria-labelledby]").forEach((node) => node.removeAttribute("aria-labelledby"));
      copy.querySelectorAll("a").forEach((link) => {
        link.removeAttribute("href");
        link.setAttribute("aria-disabled", "true");
      });
      copy.querySelectorAll("button").forEach((button) => { button.disabled = true; });
      box.append(copy);
    } else {
      when.textContent = "Aucune information enregistrée sur ce téléphone : ouvrez le tableau de bord une fois " +
        "avec du réseau pour la retrouver ici hors ligne.";
    }
    main.prepend(box);
    root.classList.add("tableau-hors-ligne");
  };

  // The page is React's: nothing is added to it before React has taken it over (hydrated), or
  // React would find a page other than the one it rendered and draw it again without our nodes.
  const hydrated = () => {
    const main = document.querySelector("main");
    return !!main && Object.keys(main).some((key) => key.startsWith("__reactFiber"));
  };
  const ensure = () => {
    root.classList.toggle("hors-ligne", !navigator.onLine);  // the "Hors ligne" banner (CSS)
    if (!navigator.onLine && onDashboard()) show();
  };
  const start = () => {
    if (!hydrated()) {
      setTimeout(start, 100);
      return;
    }
    if (/^\/connexion/.test(location.pathname)) forget();
    ensure();
    keep();  // the board may have arrived before this script looked
    new MutationObserver(() => navigator.onLine || ensure()).observe(root, {childList: true, subtree: true});
    observer.observe(root, {childList: true, subtree: true, characterData: true});
    window.addEventListener("offline", ensure);
    window.addEventListener("online", () => location.reload());
  };
  document.addEventListener("click", (event) => {
    if (event.target.closest && event.target.closest("#se-deconnecter")) forget();
  }, true);
  start();
})();
