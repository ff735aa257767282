"""/mon-compte for parents and youths: e-mail (changed through a link sent to the new address),
mobile, the opt-ins given or withdrawn at any time, "mes données", the request to delete the
account. /mon-compte/confirmer-adresse is the page of the e-mailed link."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.accounts.errors import FormErrors
from cjeune_app.core.actor import Actor
from cjeune_app.core.dates import format_date
from cjeune_app.core.enrollment.models import ConsentKind
from cjeune_app.core.enrollment.wording import OPTIN_EMAIL_LABEL, OPTIN_SMS_LABEL, OUTSIDE_DEPARTMENT
from cjeune_app.core.enums import Role
from cjeune_app.core.errors import Refusal
from cjeune_app.core.use_cases import my_account
from cjeune_app.core.use_cases.my_account import MyAccount
from cjeune_app.ui import browser
from cjeune_app.ui.components.address_fields import AddressFields, address_fields, town_field
from cjeune_app.ui.components.forms import alert_box, field_error, form_field
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.state import PrivatePage
from cjeune_app.ui.theme import BRAND_BLUE


@dataclasses.dataclass
class AddressChangeRow:
    when: str = ""
    before: str = ""
    after: str = ""


class MyAccountState(AddressFields, PrivatePage, rx.State):
    allowed_roles = (Role.PARENT, Role.PUPIL, Role.YOUTH)
    address: str = ""
    address_history: list[AddressChangeRow] = []
    is_youth: bool = False  # a Jeune: their commune, not a postal address
    email: str = ""
    pending_email: str = ""
    enrolled: bool = False
    mobile: str = ""
    optin_email: bool = False
    optin_sms: bool = False
    deletion_text: str = ""
    errors: dict[str, str] = {}
    notice: str = ""

    async def _opened(self, actor: Actor) -> None:
        self.errors, self.notice = {}, ""
        account = await asyncio.to_thread(my_account.open_my_account, actor)
        self._show(account)
        self._show_stored_address(account)

    def _show_stored_address(self, account: MyAccount) -> None:
        self._show_address(account.address_line, account.address_complement, account.postal_code,
                           account.commune_insee, account.commune_name)

    def _show(self, account: MyAccount) -> None:
        self.email, self.pending_email = account.email, account.pending_email
        self.enrolled, self.mobile = account.enrolled, account.mobile
        self.optin_email, self.optin_sms = account.optin_email, account.optin_sms
        self.address = account.address
        self.is_youth = account.role == str(Role.YOUTH) and not account.enrolled
        self.address_history = [AddressChangeRow(line.when, line.before, line.after)
                                for line in account.address_history]
        self.deletion_text = (f"Demande de suppression enregistrée le {format_date(account.deletion_requested_at)} : "
                              "un agent du Département la traite et vous répond par e-mail."
                              if account.deletion_requested_at else "")

    async def _act(self, use_case: Any, *args: Any, notice: str) -> None:
        actor = await self._actor()
        try:
            account = await asyncio.to_thread(use_case, actor, *args)
        except FormErrors as refused:
            self.errors, self.notice = refused.fields, ""
            return
        except Refusal as refusal:
            self.errors, self.notice = {"page": refusal.message}, ""
            return
        self.errors, self.notice = {}, notice
        self._show(account)

    @rx.event
    async def change_email(self, form: dict):
        address = str(form.get("new_email", "")).strip()
        await self._act(my_account.ask_email_change, address,
                        notice=f"Un lien de confirmation a été envoyé à {address} : votre adresse ne changera "
                               "qu'une fois ce lien ouvert.")

    @rx.event
    async def change_address(self, form: dict):
        values = self._address_values(form)
        actor = await self._actor()
        try:
            account = await asyncio.to_thread(my_account.change_address, actor, values)
        except FormErrors as refused:
            # Nothing is stored and nothing typed is lost: the fields keep the new address.
            errors = dict(refused.fields)
            if errors.get("postal_code") == errors.get("commune_insee") == OUTSIDE_DEPARTMENT:
                del errors["postal_code"]  # the sentence once, under the town, is enough
            self.errors, self.notice = errors, ""
            first = next(iter(errors), "address_line")
            return browser.focus("champ-commune_name" if first == "commune_insee" else f"champ-{first}")
        except Refusal as refusal:
            self.errors, self.notice = {"page": refusal.message}, ""
            return None
        self.errors, self.notice = {}, "Adresse postale enregistrée."
        self._show(account)
        self._show_stored_address(account)
        return None

    @rx.event
    async def change_commune(self, form: dict):
        values = self._address_values(form)
        actor = await self._actor()
        try:
            account = await asyncio.to_thread(my_account.change_commune, actor, values)
        except FormErrors as refused:
            self.errors, self.notice = refused.fields, ""  # the town typed stays in the field
            return browser.focus("champ-commune_name", center=False)
        except Refusal as refusal:
            self.errors, self.notice = {"page": refusal.message}, ""
            return None
        self.errors, self.notice = {}, "Commune enregistrée : vos bons plans proches la suivent."
        self._show(account)
        self._show_stored_address(account)
        return None

    @rx.event
    async def change_mobile(self, form: dict):
        await self._act(my_account.change_mobile, str(form.get("mobile", "")), notice="Numéro de mobile enregistré.")

    @rx.event
    async def set_optin_email(self, value: bool):
        await self._act(my_account.set_consent, ConsentKind.OPTIN_EMAIL, value,
                        notice="Votre choix pour les e-mails d'information est enregistré.")

    @rx.event
    async def set_optin_sms(self, value: bool):
        await self._act(my_account.set_consent, ConsentKind.OPTIN_SMS, value,
                        notice="Votre choix pour les SMS d'information est enregistré.")

    @rx.event
    async def ask_deletion(self):
        await self._act(my_account.request_deletion, notice="Votre demande de suppression est enregistrée.")


def _block(title: str, block_id: str, *children: rx.Component) -> rx.Component:
    return rx.el.section(
        rx.heading(title, as_="h2", size="5", color=BRAND_BLUE, id=f"titre-{block_id}", margin_bottom="0.5rem"),
        *children,
        aria_labelledby=f"titre-{block_id}", id=block_id, width="100%",
    )


def _consent(label: str, name: str, checked: rx.Var, on_change: Any) -> rx.Component:
    return rx.vstack(
        rx.checkbox(label, id=f"champ-{name}", checked=checked, on_change=on_change, size="3"),
        field_error(MyAccountState.errors, name),
        spacing="1", width="100%",
    )


def _address_history() -> rx.Component:
    return rx.cond(MyAccountState.address_history.length() > 0, rx.vstack(
        rx.heading("Changements d'adresse", as_="h3", size="3"),
        rx.el.ul(rx.foreach(MyAccountState.address_history, lambda line: rx.el.li(
            rx.text("Le ", line.when, " : ", rx.el.strong(line.after),
                    rx.text(" (auparavant : ", line.before, ")", as_="span", size="2")),
        )), id="historique-adresses"),
        spacing="1", width="100%", padding_top="0.5rem",
    ))


def my_account_page() -> rx.Component:
    return page_layout(
        page_title("Mon compte"),
        rx.cond(MyAccountState.notice != "",
                rx.box(MyAccountState.notice, role="status", id="avis", class_name="avis")),
        rx.cond(MyAccountState.errors.contains("page"),
                rx.box(MyAccountState.errors["page"], role="alert", class_name="refus")),
        rx.vstack(
            _block("Adresse e-mail", "bloc-email",
                   rx.cond(MyAccountState.email != "",
                           rx.text("Adresse actuelle : ", rx.el.strong(MyAccountState.email, id="email-actuel")),
                           rx.text("Aucune adresse e-mail n'est enregistrée pour ce compte : ajoutez-en une pour "
                                   "recevoir les messages du Département.", id="email-actuel-aucun")),
                   rx.cond(MyAccountState.pending_email != "",
                           rx.text("En attente de confirmation : ", rx.el.strong(MyAccountState.pending_email),
                                   id="email-en-attente", size="2")),
                   rx.form(
                       form_field("Nouvelle adresse e-mail", "new_email", "email", "email", MyAccountState.errors),
                       rx.button("Changer d'adresse", type="submit", size="3"),
                       on_submit=MyAccountState.change_email, reset_on_submit=False, width="100%",
                   )),
            rx.cond(MyAccountState.is_youth, _block(
                "Ma commune", "bloc-commune",
                rx.text("Commune actuelle : ", rx.el.strong(MyAccountState.address, id="adresse-actuelle")),
                rx.form(
                    rx.vstack(town_field(MyAccountState),
                              rx.button("Enregistrer la commune", type="submit", size="3"),
                              spacing="3", width="100%"),
                    on_submit=MyAccountState.change_commune, reset_on_submit=False, width="100%", no_validate=True,
                ),
                _address_history(),
            )),
            rx.cond(MyAccountState.enrolled, rx.vstack(
                _block("Adresse postale", "bloc-adresse",
                       rx.text("Adresse actuelle : ", rx.el.strong(MyAccountState.address, id="adresse-actuelle")),
                       rx.text("La carte CJeune de Provence est réservée aux familles domiciliées dans les "
                               "Bouches-du-Rhône : la nouvelle adresse doit s'y trouver.", size="2"),
                       rx.form(
                           rx.vstack(
                               rx.cond(MyAccountState.errors.contains("address_line")
                                       | MyAccountState.errors.contains("address_complement")
                                       | MyAccountState.errors.contains("postal_code")
                                       | MyAccountState.errors.contains("commune_insee"),
                                       alert_box("L'adresse n'est pas enregistrée : les explications sont "
                                                 "sous chaque champ concerné.")),
                               address_fields(MyAccountState),
                               rx.button("Enregistrer l'adresse", type="submit", size="3", id="enregistrer-adresse"),
                               spacing="3", width="100%",
                           ),
                           on_submit=MyAccountState.change_address, reset_on_submit=False, width="100%",
                           no_validate=True,
                       ),
                       _address_history()),
                _block("Numéro de mobile", "bloc-mobile",
                       rx.form(
                           form_field("Numéro de téléphone mobile", "mobile", "tel", "tel", MyAccountState.errors,
                                      required=False, default_value=MyAccountState.mobile),
                           rx.button("Enregistrer le mobile", type="submit", size="3"),
                           on_submit=MyAccountState.change_mobile, reset_on_submit=False, width="100%",
                       )),
                _block("Mes consentements", "bloc-consentements",
                       rx.text("Vous pouvez donner ou retirer chaque accord à tout moment ; chaque choix est "
                               "enregistré avec sa date.", size="2"),
                       _consent(OPTIN_EMAIL_LABEL, "optin_email", MyAccountState.optin_email,
                                MyAccountState.set_optin_email),
                       _consent(OPTIN_SMS_LABEL, "optin_sms", MyAccountState.optin_sms, MyAccountState.set_optin_sms)),
                spacing="6", width="100%",
            )),
            _block("Mes données", "bloc-donnees",
                   rx.text("Tout ce que le Département conserve sur votre famille : un document PDF à lire, "
                           "ou un fichier JSON pour un autre logiciel.", size="2"),
                   # A download, not a page: the router's links would open it as a route.
                   rx.flex(
                       rx.button("Télécharger mes données (PDF)", id="telecharger-donnees-pdf", size="3",
                                 on_click=rx.download(url=routes.MY_DATA_PDF, filename="mes-donnees-cjeune.pdf")),
                       rx.button("Télécharger mes données (JSON)", id="telecharger-donnees", size="3", variant="soft",
                                 on_click=rx.download(url=routes.MY_DATA_JSON, filename="mes-donnees-cjeune.json")),
                       wrap="wrap", gap="0.75rem",
                   )),
            _block("Supprimer mon compte", "bloc-suppression",
                   rx.cond(MyAccountState.deletion_text != "",
                           rx.text(MyAccountState.deletion_text, id="suppression-demandee"),
                           rx.vstack(
                               rx.text("La demande est transmise aux agents du Département. L'historique des "
                                       "paiements est conservé le temps exigé par la loi.", size="2"),
                               rx.button("Demander la suppression de mon compte", color_scheme="red",
                                         variant="outline", size="3", on_click=MyAccountState.ask_deletion,
                                         id="demander-suppression",
                                         # A long label wraps inside its button on a phone.
                                         height="auto", min_height="2.75rem", white_space="normal",
                                         padding_y="0.5rem", text_align="center"),
                           ))),
            rx.link("Retour au tableau de bord", href=routes.DASHBOARD, underline="always"),
            spacing="6", width="100%",
        ),
        width="40rem",
    )


class ConfirmEmailChangeState(rx.State):
    message: str = ""
    confirmed: bool = False

    @rx.event
    async def confirm(self):
        token = self.router.page.params.get("jeton", "") or ""
        try:
            address = await asyncio.to_thread(my_account.confirm_email_change, token)
        except Refusal as refusal:
            self.message, self.confirmed = refusal.message, False
            return
        self.message = f"C'est fait : l'adresse e-mail de votre compte est désormais {address}."
        self.confirmed = True


def email_change_confirmation_page() -> rx.Component:
    return page_layout(
        page_title("Nouvelle adresse e-mail"),
        rx.text(ConfirmEmailChangeState.message, role="status", id="confirmation"),
        rx.link("Aller à mon compte", href=routes.MY_ACCOUNT, margin_top="1rem", display="block"),
        width="40rem",
    )


class UnsubscribeState(rx.State):
    """/desabonnement/?jeton=…: the link of an optional e-mail, no sign-in needed. Opening it only
    asks to confirm; the button withdraws the consent (as the mail client's one-click POST does)."""

    address: str = ""
    subscribed: bool = False
    done: bool = False
    refused: str = ""

    def _token(self) -> str:
        return self.router.url.query_parameters.get("jeton", "") or ""

    @rx.event
    async def open_link(self):
        self.done, self.refused = False, ""
        try:
            found = await asyncio.to_thread(my_account.unsubscribe_status, self._token())
        except Refusal as refusal:
            self.refused, self.address = refusal.message, ""
            return
        self.address, self.subscribed = found.address, found.subscribed

    @rx.event
    async def confirm(self):
        try:
            await asyncio.to_thread(my_account.unsubscribe, self._token())
        except Refusal as refusal:
            self.refused = refusal.message
            return
        self.done, self.subscribed = True, False
        return browser.focus("desabonnement-fait")


def unsubscribe_page() -> rx.Component:
    state = UnsubscribeState
    return page_layout(
        page_title("Se désabonner des e-mails d'information"),
        rx.cond(
            state.refused != "",
            rx.box(state.refused, role="alert", class_name="refus", id="desabonnement-refuse"),
            rx.cond(
                state.done,
                rx.text("C'est fait : ", rx.el.strong(state.address), " ne recevra plus les e-mails d'information "
                        "ni les bons plans de CJeune de Provence. Les messages de service (photo, carte, sécurité) "
                        "continuent d'arriver.", role="status", id="desabonnement-fait", tab_index=-1),
                rx.cond(
                    state.subscribed,
                    rx.vstack(
                        rx.text("Ne plus recevoir les e-mails d'information et les bons plans de CJeune de Provence "
                                "à l'adresse ", rx.el.strong(state.address, id="adresse-desabonnement"), " ?"),
                        rx.text("Les messages de service (photo, carte, sécurité) continueront d'arriver. Vous "
                                "pourrez redonner votre accord à tout moment dans « Mon compte ».", size="2"),
                        rx.button("Me désabonner", size="3", on_click=state.confirm, id="confirmer-desabonnement"),
                        spacing="3", width="100%",
                    ),
                    rx.cond(state.address != "",
                            rx.text(rx.el.strong(state.address), " ne reçoit pas d'e-mails d'information : il n'y "
                                    "a rien à faire.", role="status", id="desabonnement-fait")),
                ),
            ),
        ),
        rx.link("Gérer mes consentements dans « Mon compte »", href=routes.MY_ACCOUNT, underline="always",
                margin_top="1rem", display="block"),
        width="40rem",
    )
