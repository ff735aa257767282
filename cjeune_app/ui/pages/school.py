"""/etablissement: school staff import their pupils from a CSV and hand out the letters PDF, and
give a pupil who forgot their password a new temporary one (with its letter).

Files never go through Reflex's public upload folder: the page posts the CSV with the session
cookie to the authenticated route (routes.SCHOOL_IMPORT) and turns the PDF of the answer into a
file in the browser (a blob: address). Only that address, never the passwords, enters the state.
"""

from __future__ import annotations

import asyncio
import dataclasses
from urllib.parse import urlencode

import reflex as rx
from reflex.event import EventHandler, EventSpec

from cjeune_app import routes
from cjeune_app.core.actor import Actor
from cjeune_app.core.errors import Refusal
from cjeune_app.core.guardians.distribution import STATE_LABELS, Delivery
from cjeune_app.core.guardians.errors import GuardianFormErrors
from cjeune_app.core.guardians.models import RELATION_LABELS, GuardianRelation
from cjeune_app.core.guardians.records import GuardianInput
from cjeune_app.core.phones import format_mobile
from cjeune_app.core.use_cases import guardians, school
from cjeune_app.ui import browser
from cjeune_app.ui.components.forms import alert_box
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.state import PrivatePage

FILE_FIELD = routes.SCHOOL_IMPORT_FILE_FIELD
FILE_INPUT_ID = "champ-fichier"
NO_ACCESS = "Cette page est réservée aux personnels des établissements scolaires."
NO_FILE_CHOSEN = "Choisissez d'abord le fichier CSV des élèves."
NETWORK_ERROR = "La connexion a été interrompue : vérifiez votre réseau et réessayez."
GUARDIAN_FIELDS = ("last_name", "first_name", "relation", "mobile", "email", "address")

def _post(url: str, csrf: str, reply: EventHandler, files: dict[str, str] | None = None) -> EventSpec:
    """Posts to `url` with the page's cookies and CSRF token; a PDF of the answer becomes a blob: address."""
    return browser.post_files(url, files or {}, reply, csrf=csrf, missing=NO_FILE_CHOSEN, network=NETWORK_ERROR)


def _letters_url(class_name: str, delivery: str, guardian_id: str) -> str:
    query = urlencode({"classe": class_name, "envoi": delivery, "responsable": guardian_id})
    return routes.SCHOOL_GUARDIAN_LETTERS + "?" + query


@dataclasses.dataclass
class PupilRow:
    id: str
    name: str
    class_name: str
    login: str


@dataclasses.dataclass
class GuardianRow:
    id: str
    name: str
    children: str
    state: str
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
    created_count: str = ""
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
    # The guardians' accounts (the school's letters)
    classes: list[str] = []
    guardian_rows: list[GuardianRow] = []
    letters_class: str = ""
    letters_delivery: str = Delivery.LETTER.value
    guardian_letters_url: str = ""
    guardian_letters_filename: str = ""
    guardian_letters_notice: str = ""
    guardian_letters_failure: str = ""

    def _clear_result(self) -> None:
        self.failure, self.errors, self.already_known = "", [], []
        self._set_created([])
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
            await self._show_guardians(actor)
        self.loaded = True

    async def _show_guardians(self, actor: Actor) -> None:
        try:
            screen = await asyncio.to_thread(guardians.school_guardians, actor)
        except Refusal:
            self.classes, self.guardian_rows = [], []
            return
        self.classes = screen.classes
        self.guardian_rows = [GuardianRow(str(g.guardian_id), g.name, g.children, STATE_LABELS[g.state], g.login or "")
                              for g in screen.guardians]

    @rx.event
    def choose_letters_class(self, value: str):
        self.letters_class = value if value in self.classes else ""

    @rx.event
    def choose_letters_delivery(self, value: str):
        self.letters_delivery = value if value in {d.value for d in Delivery} else Delivery.LETTER.value

    def _clear_letters(self) -> None:
        self.guardian_letters_url = self.guardian_letters_filename = ""
        self.guardian_letters_notice = self.guardian_letters_failure = ""

    @rx.event
    async def generate_letters(self):
        self._clear_letters()
        return _post(_letters_url(self.letters_class, self.letters_delivery, ""), await self._csrf_token(),
                     SchoolState.letters_issued)

    @rx.event
    async def reissue_letter(self, guardian_id: str):
        if not guardian_id.isdigit():
            return
        self._clear_letters()
        return _post(_letters_url("", Delivery.LETTER.value, guardian_id), await self._csrf_token(),
                     SchoolState.letters_issued)

    @rx.event
    async def letters_issued(self, answer: dict | None):
        answer = answer or {"failure": NETWORK_ERROR}
        self.guardian_letters_failure = str(answer.get("failure", "") or "")
        self.guardian_letters_url = str(answer.get("pdf_url", "") or "")
        self.guardian_letters_filename = str(answer.get("filename", "") or "")
        if not self.guardian_letters_failure:
            count, emailed = int(answer.get("count", 0) or 0), int(answer.get("emailed", 0) or 0)
            self.guardian_letters_notice = (f"{count} compte(s) de responsable généré(s)"
                                            + (f", {emailed} courrier(s) envoyé(s) par e-mail" if emailed else "")
                                            + ". Chaque courrier remplace le mot de passe provisoire précédent.")
            actor = await self._actor()
            if actor is not None:
                await self._show_guardians(actor)

    async def _opened(self, actor: Actor):
        self._clear_result()
        self.sending, self.loaded, self.chosen_file = False, False, ""
        await self._show(actor)

    @rx.event
    def choose_file(self, value: str):
        self.chosen_file = (value or "").replace("\\", "/").rsplit("/", 1)[-1][:120]

    @rx.event
    async def send_file(self, _form: dict):  # the file is read by the script, not sent through the state
        if self.sending:
            return
        self._clear_result()
        self.sending = True
        return _post(routes.SCHOOL_IMPORT, await self._csrf_token(), SchoolState.imported, {FILE_FIELD: FILE_INPUT_ID})

    @rx.event
    async def imported(self, answer: dict | None):
        self.sending = False
        answer = answer or {"failure": NETWORK_ERROR}
        self.failure = str(answer.get("failure", "") or "")
        self.errors = [str(e) for e in answer.get("errors", []) or []]
        self.already_known = [str(e) for e in answer.get("already_known", []) or []]
        self._set_created([CreatedRow(str(row.get("name", "")), str(row.get("class_name", "")),
                                      str(row.get("login", ""))) for row in answer.get("created", []) or []])
        self.letters_url = str(answer.get("pdf_url", "") or "")
        self.letters_filename = str(answer.get("filename", "") or "")
        if self.created:
            actor = await self._actor()
            if actor is not None:
                await self._show(actor)

    @rx.event
    async def reset_password(self, pupil_id: str):
        if not pupil_id.isdigit():
            return
        self._clear_result()
        return _post(routes.school_password_reset(int(pupil_id)), await self._csrf_token(), SchoolState.password_reset)

    @rx.event
    def password_reset(self, answer: dict | None):
        answer = answer or {"failure": NETWORK_ERROR}
        self.reset_failure = str(answer.get("failure", "") or "")
        self.reset_login = str(answer.get("login", "") or "")
        self.reset_url = str(answer.get("pdf_url", "") or "")
        self.reset_filename = str(answer.get("filename", "") or "")

    def _set_created(self, rows: list[CreatedRow]) -> None:
        # A plain var, not a computed one: that would make Reflex create this state for every session.
        count = len(rows)
        self.created = rows
        self.created_count = f"{count} élève{'s' if count > 1 else ''} importé{'s' if count > 1 else ''}."

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
        await self.open_guardians(self.guardians_pupil_id)
        await self._show_guardians(actor)
        self.guardians_saved = f"Responsables légaux de {self.guardians_pupil} enregistrés."


browser.answers_to(SchoolState.letters_issued, SchoolState.imported, SchoolState.password_reset)


def _pdf_link(label: str, href: rx.Var, filename: rx.Var, link_id: str) -> rx.Component:
    # The theme's link turns pale under the pointer: unreadable on the green notice.
    return rx.link(label, href=href, download=filename, id=link_id, reload_document=True, weight="bold",
                   underline="always", color="inherit", _hover={"color": "inherit"})


def _import_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text("Fichier CSV des élèves", weight="bold"),
            rx.text("Colonnes : nom ; prénom ; date de naissance (jj/mm/aaaa) ; classe ; et, pour chacun des "
                    "deux responsables légaux (facultatif) : « Responsable 1 nom », « Responsable 1 prénom », "
                    "« Responsable 1 lien », « Responsable 1 mobile », « Responsable 1 e-mail », "
                    "« Responsable 1 adresse » (puis « Responsable 2 … »). "
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


def _guardian_account_row(row: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.vstack(
            rx.text(row["name"], weight="bold"),
            rx.text(row["children"], size="2"),
            rx.text(row["state"], rx.cond(row["login"] != "", " — " + row["login"], ""), size="2",
                    class_name="etat-compte"),
            rx.button("Nouveau courrier", size="2", variant="outline", on_click=SchoolState.reissue_letter(row["id"]),
                      aria_label="Nouveau courrier pour " + row["name"]),
            spacing="1", width="100%",
        ),
        padding_y="0.6rem", border_bottom="1px solid var(--gray-5)", list_style_type="none",
    )


def _guardian_accounts() -> rx.Component:
    return rx.vstack(
        rx.heading("Comptes des responsables légaux", as_="h2", size="5"),
        rx.text("Générez les comptes parents des responsables des élèves choisis : un courrier par responsable "
                "(identifiant et mot de passe provisoire) à imprimer, et/ou envoyé par e-mail.", size="2"),
        rx.card(
            rx.vstack(
                rx.el.label("Élèves", html_for="champ-classe-courriers", font_weight="bold"),
                rx.el.select(
                    rx.el.option("Toutes les classes", value=""),
                    rx.foreach(SchoolState.classes, lambda c: rx.el.option(c, value=c)),
                    id="champ-classe-courriers", value=SchoolState.letters_class,
                    on_change=SchoolState.choose_letters_class, class_name="champ-liste",
                ),
                rx.el.label("Remise", html_for="champ-remise", font_weight="bold"),
                rx.el.select(
                    rx.el.option("Courrier PDF à imprimer", value=Delivery.LETTER.value),
                    rx.el.option("Par e-mail", value=Delivery.EMAIL.value),
                    rx.el.option("Courrier PDF et e-mail", value=Delivery.BOTH.value),
                    id="champ-remise", value=SchoolState.letters_delivery,
                    on_change=SchoolState.choose_letters_delivery, class_name="champ-liste",
                ),
                rx.button("Générer les comptes", size="3", width="100%", on_click=SchoolState.generate_letters),
                rx.cond(SchoolState.guardian_letters_failure != "", alert_box(SchoolState.guardian_letters_failure)),
                rx.cond(
                    SchoolState.guardian_letters_notice != "",
                    rx.box(
                        rx.text(SchoolState.guardian_letters_notice, id="courriers-generes"),
                        rx.cond(SchoolState.guardian_letters_url != "",
                                _pdf_link("Télécharger les courriers (PDF)", SchoolState.guardian_letters_url,
                                          SchoolState.guardian_letters_filename, "courriers-pdf")),
                        role="status", class_name="avis", width="100%",
                    ),
                ),
                spacing="2", width="100%",
            ),
            width="100%", padding="1.25rem",
        ),
        rx.cond(SchoolState.guardian_rows.length() == 0,
                rx.text("Aucun responsable légal enregistré pour l'instant.", size="2")),
        rx.el.ul(rx.foreach(SchoolState.guardian_rows, _guardian_account_row), id="liste-responsables",
                 margin="0", padding="0", width="100%"),
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
                    _guardian_accounts(),
                    spacing="4", width="100%",
                ),
                rx.text("Chargement…", size="2"),
            ),
        ),
        width="40rem",
    )
