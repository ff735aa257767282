"""/etablissement: school staff import their pupils from a CSV and hand out the letters PDF, and
give a pupil who forgot their password a new temporary one (with its letter).

Files never go through Reflex's public upload folder: the page posts the CSV with the session
cookie to the authenticated route (routes.SCHOOL_IMPORT) and turns the PDF of the answer into a
file in the browser (a blob: address). Only that address, never the passwords, enters the state.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.actor import Actor
from cjeune_app.core.errors import Refusal
from cjeune_app.core.guardians.errors import GuardianFormErrors
from cjeune_app.core.guardians.models import RELATION_LABELS, GuardianRelation
from cjeune_app.core.guardians.records import GuardianInput
from cjeune_app.core.phones import format_mobile
from cjeune_app.core.use_cases import guardians, school
from cjeune_app.ui.components.forms import alert_box
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.state import PrivatePage

FILE_FIELD = routes.SCHOOL_IMPORT_FILE_FIELD
FILE_INPUT_ID = "champ-fichier"
NO_ACCESS = "Cette page est réservée aux personnels des établissements scolaires."
NO_FILE_CHOSEN = "Choisissez d'abord le fichier CSV des élèves."
NETWORK_ERROR = "La connexion a été interrompue : vérifiez votre réseau et réessayez."
GUARDIAN_FIELDS = ("last_name", "first_name", "relation", "mobile", "email", "address")

# Posts a form with the page's cookies; the PDF (base64) of the answer becomes a blob: address.
_POST_JS = """
(async (url, form) => {
  try {
    const response = await fetch(url, {method: "POST", body: form, credentials: "same-origin"});
    let body = {};
    try { body = await response.json(); } catch (e) { body = {}; }
    for (const key of ["letters_pdf", "letter_pdf"]) {
      if (body[key]) {
        const bytes = Uint8Array.from(atob(body[key]), (c) => c.charCodeAt(0));
        body.pdf_url = URL.createObjectURL(new Blob([bytes], {type: "application/pdf"}));
      }
      delete body[key];
    }
    if (!response.ok) body.failure = body.message || %(network)s;
    return body;
  } catch (e) {
    return {failure: %(network)s};
  }
})
""".strip() % {"network": json.dumps(NETWORK_ERROR)}  # strip: "return\n(...)" would return nothing


def _import_script() -> str:
    return f"""(() => {{
  const input = document.getElementById({json.dumps(FILE_INPUT_ID)});
  if (!input || !input.files.length) return {{failure: {json.dumps(NO_FILE_CHOSEN)}}};
  const form = new FormData();
  form.append({json.dumps(FILE_FIELD)}, input.files[0], input.files[0].name);
  return {_POST_JS}({json.dumps(routes.SCHOOL_IMPORT)}, form);
}})()"""


def _reset_script(pupil_id: int) -> str:
    return f"{_POST_JS}({json.dumps(routes.school_password_reset(int(pupil_id)))}, new FormData())"


@dataclasses.dataclass
class PupilRow:
    id: str
    name: str
    class_name: str
    login: str


@dataclasses.dataclass
class CreatedRow:
    name: str
    class_name: str
    login: str


class SchoolState(PrivatePage, rx.State):
    # Anyone signed in opens the page; who is not school staff is told so on it.
    sign_in_route = routes.BACK_OFFICE_SIGN_IN

    forbidden: bool = False
    loaded: bool = False
    school: str = ""
    pupils: list[PupilRow] = []
    sending: bool = False
    chosen_file: str = ""  # its name only
    failure: str = ""
    errors: list[str] = []
    already_known: list[str] = []
    created: list[CreatedRow] = []
    letters_url: str = ""
    letters_filename: str = ""
    reset_login: str = ""
    reset_url: str = ""
    reset_filename: str = ""
    reset_failure: str = ""
    # The guardians' editor of one pupil (its field values as typed or saved, errors by field).
    guardians_pupil_id: str = ""
    guardians_pupil: str = ""
    guardian_values: dict[str, str] = {}
    guardian_errors: dict[str, str] = {}
    guardians_saved: str = ""
    guardians_failure: str = ""

    def _clear_result(self) -> None:
        self.failure, self.errors, self.already_known, self.created = "", [], [], []
        self.letters_url = self.letters_filename = ""
        self.reset_login = self.reset_url = self.reset_filename = self.reset_failure = ""

    async def _show(self, actor: Actor) -> None:
        try:
            screen = await asyncio.to_thread(school.list_pupils, actor)
        except Refusal:
            self.forbidden, self.school, self.pupils = True, "", []
        else:
            self.forbidden, self.school = False, screen.school
            self.pupils = [PupilRow(str(p.pupil_id), f"{p.first_name} {p.last_name}", p.class_name, p.login)
                           for p in screen.pupils]
        self.loaded = True

    async def _opened(self, actor: Actor):
        self._clear_result()
        self.sending, self.loaded, self.chosen_file = False, False, ""
        await self._show(actor)

    @rx.event
    def choose_file(self, value: str):
        self.chosen_file = (value or "").replace("\\", "/").rsplit("/", 1)[-1][:120]

    @rx.event
    def send_file(self, _form: dict):  # the file is read by the script, not sent through the state
        if self.sending:
            return
        self._clear_result()
        self.sending = True
        return rx.call_script(_import_script(), callback=SchoolState.imported)

    @rx.event
    async def imported(self, answer: dict | None):
        self.sending = False
        answer = answer or {"failure": NETWORK_ERROR}
        self.failure = str(answer.get("failure", "") or "")
        self.errors = [str(e) for e in answer.get("errors", []) or []]
        self.already_known = [str(e) for e in answer.get("already_known", []) or []]
        self.created = [CreatedRow(str(row.get("name", "")), str(row.get("class_name", "")), str(row.get("login", "")))
                        for row in answer.get("created", []) or []]
        self.letters_url = str(answer.get("pdf_url", "") or "")
        self.letters_filename = str(answer.get("filename", "") or "")
        if self.created:
            actor = await self._actor()
            if actor is not None:
                await self._show(actor)

    @rx.event
    def reset_password(self, pupil_id: str):
        if not pupil_id.isdigit():
            return
        self._clear_result()
        return rx.call_script(_reset_script(int(pupil_id)), callback=SchoolState.password_reset)

    @rx.event
    def password_reset(self, answer: dict | None):
        answer = answer or {"failure": NETWORK_ERROR}
        self.reset_failure = str(answer.get("failure", "") or "")
        self.reset_login = str(answer.get("login", "") or "")
        self.reset_url = str(answer.get("pdf_url", "") or "")
        self.reset_filename = str(answer.get("filename", "") or "")

    @rx.event
    async def open_guardians(self, pupil_id: str):
        actor = await self._actor()
        if actor is None or not pupil_id.isdigit():
            return
        self.guardian_errors, self.guardians_saved, self.guardians_failure = {}, "", ""
        try:
            screen = await asyncio.to_thread(guardians.pupil_guardians, actor, int(pupil_id))
        except Refusal as refusal:
            self.guardians_failure = refusal.message
            return
        values = {f"g{rank}_{field}": "" for rank in (1, 2) for field in GUARDIAN_FIELDS}
        for g in screen.guardians:
            values.update({f"g{g.rank}_last_name": g.last_name, f"g{g.rank}_first_name": g.first_name,
                           f"g{g.rank}_relation": g.relation.value, f"g{g.rank}_mobile": format_mobile(g.mobile),
                           f"g{g.rank}_email": g.email or "", f"g{g.rank}_address": g.address})
        self.guardians_pupil_id, self.guardians_pupil, self.guardian_values = pupil_id, screen.pupil_name, values

    @rx.event
    def close_guardians(self):
        self.guardians_pupil_id, self.guardians_pupil, self.guardian_values = "", "", {}
        self.guardian_errors, self.guardians_saved, self.guardians_failure = {}, "", ""

    @rx.event
    async def save_guardians(self, form: dict):
        actor = await self._actor()
        if actor is None or not self.guardians_pupil_id.isdigit():
            return
        typed = {key: str(form.get(key, "") or "") for key in self.guardian_values}
        self.guardian_values, self.guardians_saved = typed, ""
        inputs = [GuardianInput(*(typed[f"g{rank}_{field}"] for field in GUARDIAN_FIELDS)) for rank in (1, 2)]
        try:
            await asyncio.to_thread(guardians.save_pupil_guardians, actor, int(self.guardians_pupil_id), inputs)
        except GuardianFormErrors as refusal:
            self.guardian_errors = refusal.fields
            return
        except Refusal as refusal:
            self.guardians_failure = refusal.message
            return
        self.guardian_errors = {}
        self.guardians_saved = f"Responsables légaux de {self.guardians_pupil} enregistrés."
        await self.open_guardians(self.guardians_pupil_id)
        self.guardians_saved = f"Responsables légaux de {self.guardians_pupil} enregistrés."

    @rx.var
    def created_count(self) -> str:
        count = len(self.created)
        return f"{count} élève{'s' if count > 1 else ''} importé{'s' if count > 1 else ''}."


def _pdf_link(label: str, href: rx.Var, filename: rx.Var, link_id: str) -> rx.Component:
    # The theme's link turns pale under the pointer: unreadable on the green notice.
    return rx.link(label, href=href, download=filename, id=link_id, reload_document=True, weight="bold",
                   underline="always", color="inherit", _hover={"color": "inherit"})


def _import_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text("Fichier CSV des élèves", weight="bold"),
            rx.text("Colonnes : nom ; prénom ; date de naissance (jj/mm/aaaa) ; classe ; et, pour chacun des "
                    "deux responsables légaux (facultatif) : « Responsable 1 nom », « Responsable 1 prénom », "
                    "« Responsable 1 lien », « Responsable 1 mobile », « Responsable 1 e-mail », "
                    "« Responsable 1 adresse » (puis « Responsable 2 … »). "
                    "Séparateur point-virgule ou virgule, 2 Mo au maximum.", size="2", id="aide-fichier"),
            # The browser's own button speaks the browser's language: a French label stands in for it.
            rx.box(
                rx.el.input(type="file", id=FILE_INPUT_ID, name=FILE_FIELD, accept=".csv,text/csv",
                            aria_describedby="aide-fichier fichier-choisi",
                            on_change=SchoolState.choose_file),
                rx.el.label("Choisir le fichier", html_for=FILE_INPUT_ID, class_name="bouton-fichier"),
                rx.text(rx.cond(SchoolState.chosen_file != "", SchoolState.chosen_file, "Aucun fichier choisi"),
                        id="fichier-choisi", size="2", as_="span"),
                class_name="choix-fichier",
            ),
            rx.button(rx.cond(SchoolState.sending, "Import en cours…", "Importer"), type="submit",
                      size="3", width="100%", disabled=SchoolState.sending),
            spacing="3", width="100%",
        ),
        on_submit=SchoolState.send_file,
        reset_on_submit=False,
        width="100%",
    )


def _list(items: rx.Var, list_id: str) -> rx.Component:
    return rx.el.ul(rx.foreach(items, lambda item: rx.el.li(item)), id=list_id, margin="0",
                    padding_left="1.1rem")


def _import_result() -> rx.Component:
    return rx.vstack(
        rx.cond(SchoolState.failure != "", alert_box(SchoolState.failure)),
        rx.cond(
            SchoolState.errors.length() > 0,
            alert_box(rx.text("Aucun élève n'a été importé : corrigez ces lignes du fichier, puis "
                              "importez-le de nouveau.", weight="bold"),
                      _list(SchoolState.errors, "erreurs-import")),
        ),
        rx.cond(
            SchoolState.created.length() > 0,
            rx.box(
                rx.text(SchoolState.created_count, weight="bold", id="nombre-importes"),
                rx.el.ul(rx.foreach(SchoolState.created, lambda p: rx.el.li(
                    p["name"], " (", p["class_name"], ") : ", rx.el.strong(p["login"]))),
                    id="eleves-importes", margin="0", padding_left="1.1rem"),
                rx.cond(SchoolState.letters_url != "",
                        _pdf_link("Télécharger les lettres (PDF)", SchoolState.letters_url,
                                  SchoolState.letters_filename, "lettres-pdf")),
                rx.text("Imprimez les lettres et remettez-les aux élèves, puis supprimez le fichier : "
                        "il contient les mots de passe temporaires.", size="2"),
                role="status", class_name="avis", width="100%",
            ),
        ),
        rx.cond(SchoolState.already_known.length() > 0, _list(SchoolState.already_known, "deja-inscrits")),
        spacing="3", width="100%",
    )


def _pupil_row(pupil: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.vstack(
            rx.text(pupil["name"], " — ", pupil["class_name"], weight="bold"),
            rx.text(pupil["login"], size="2", class_name="identifiant"),
            rx.hstack(
                rx.button("Réinitialiser le mot de passe", size="2", variant="outline",
                          on_click=SchoolState.reset_password(pupil["id"]),
                          aria_label="Réinitialiser le mot de passe de " + pupil["name"]),
                rx.button("Responsables légaux", size="2", variant="outline",
                          on_click=SchoolState.open_guardians(pupil["id"]),
                          aria_label="Responsables légaux de " + pupil["name"]),
                wrap="wrap", spacing="2",
            ),
            rx.cond(SchoolState.guardians_pupil_id == pupil["id"], _guardians_editor()),
            spacing="1", width="100%",
        ),
        padding_y="0.6rem", border_bottom="1px solid var(--gray-5)", list_style_type="none",
    )


def _guardian_input(rank: int, field: str, label: str, input_type: str, autocomplete: str,
                    **props) -> rx.Component:
    name = f"g{rank}_{field}"
    field_id, error_id = f"champ-{name}", f"erreur-{name}"
    errors = SchoolState.guardian_errors
    return rx.vstack(
        rx.el.label(label, html_for=field_id, font_weight="bold", font_size="0.9rem"),
        rx.input(id=field_id, name=name, type=input_type, auto_complete=autocomplete, size="2", width="100%",
                 default_value=SchoolState.guardian_values[name],
                 aria_invalid=rx.cond(errors.contains(name), "true", "false"),
                 aria_describedby=rx.cond(errors.contains(name), error_id, ""), **props),
        rx.cond(errors.contains(name), rx.text(errors[name], id=error_id, size="2", color="var(--red-11)")),
        spacing="1", width="100%",
    )


def _relation_select(rank: int) -> rx.Component:
    name = f"g{rank}_relation"
    return rx.vstack(
        rx.el.label("Lien avec l'élève", html_for=f"champ-{name}", font_weight="bold", font_size="0.9rem"),
        rx.el.select(
            rx.el.option("Choisir…", value=""),  # a guardian left empty stays empty
            *[rx.el.option(RELATION_LABELS[relation], value=relation.value) for relation in GuardianRelation],
            id=f"champ-{name}", name=name, default_value=SchoolState.guardian_values[name],
            class_name="champ-liste",
        ),
        spacing="1", width="100%",
    )


def _guardian_fieldset(rank: int) -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(f"Responsable légal {rank}", font_weight="bold"),
        rx.vstack(
            _guardian_input(rank, "last_name", "Nom", "text", "off"),
            _guardian_input(rank, "first_name", "Prénom", "text", "off"),
            _relation_select(rank),
            _guardian_input(rank, "mobile", "Téléphone portable", "tel", "off", input_mode="tel",
                            placeholder="06 12 34 56 78"),
            _guardian_input(rank, "email", "Adresse e-mail", "email", "off"),
            _guardian_input(rank, "address", "Adresse postale", "text", "off"),
            spacing="2", width="100%",
        ),
        border="1px solid var(--gray-6)", border_radius="8px", padding="0.75rem", width="100%",
    )


def _guardians_editor() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text("Laissez un responsable vide pour le retirer. Le mobile sert à l'auto-inscription des "
                    "parents : vérifiez-le.", size="2"),
            _guardian_fieldset(1),
            _guardian_fieldset(2),
            rx.cond(SchoolState.guardian_errors.length() > 0,
                    alert_box("Rien n'a été enregistré : corrigez les champs signalés.")),
            rx.cond(SchoolState.guardians_failure != "", alert_box(SchoolState.guardians_failure)),
            rx.cond(SchoolState.guardians_saved != "",
                    rx.text(SchoolState.guardians_saved, role="status", class_name="avis", id="responsables-ok")),
            rx.hstack(
                rx.button("Enregistrer les responsables", type="submit", size="2"),
                rx.button("Fermer", type="button", size="2", variant="ghost", on_click=SchoolState.close_guardians),
                spacing="2", wrap="wrap",
            ),
            spacing="3", width="100%",
        ),
        key=SchoolState.guardians_pupil_id + SchoolState.guardians_saved,
        on_submit=SchoolState.save_guardians,
        reset_on_submit=False,
        width="100%", id="responsables",
    )


def _pupils() -> rx.Component:
    return rx.vstack(
        rx.heading("Élèves de l'établissement", as_="h2", size="5"),
        rx.cond(SchoolState.reset_failure != "", alert_box(SchoolState.reset_failure)),
        rx.cond(
            SchoolState.reset_url != "",
            rx.box(
                rx.text("Nouveau mot de passe temporaire créé pour ", rx.el.strong(SchoolState.reset_login),
                        ". Il figure sur la lettre : remettez-la à l'élève."),
                _pdf_link("Télécharger la lettre (PDF)", SchoolState.reset_url, SchoolState.reset_filename,
                          "lettre-pdf"),
                role="status", class_name="avis", id="avis-reinitialisation", width="100%",
            ),
        ),
        rx.cond(SchoolState.pupils.length() == 0,
                rx.text("Aucun élève pour l'instant : importez le fichier CSV des élèves.", size="2")),
        rx.el.ul(rx.foreach(SchoolState.pupils, _pupil_row), id="liste-eleves", margin="0", padding="0",
                 width="100%"),
        spacing="3", width="100%",
    )


def school_page() -> rx.Component:
    return page_layout(
        page_title("Espace établissement"),
        rx.cond(
            SchoolState.forbidden,
            rx.box(NO_ACCESS, role="alert", id="refus", class_name="refus"),
            rx.cond(
                SchoolState.loaded,
                rx.vstack(
                    rx.text(SchoolState.school, weight="bold", id="etablissement"),
                    rx.heading("Importer des élèves", as_="h2", size="5"),
                    rx.card(rx.vstack(_import_form(), _import_result(), spacing="4", width="100%"),
                            width="100%", padding="1.25rem"),
                    _pupils(),
                    spacing="4", width="100%",
                ),
                rx.text("Chargement…", size="2"),
            ),
        ),
        width="40rem",
    )
