"""Every path of the site and of the API, once. Links, redirects, page registration, e-mailed links
and API routers all read them here. A leaf module: it imports nothing of the project.

Paths with a parameter are functions that build them; the pattern a router or Reflex registers
stands beside them (`*_PATTERN`).
"""

from __future__ import annotations

# The largest id a path may name: PostgreSQL's INTEGER ids (SQLite's go to 2**63 - 1). A larger
# number names nothing (404): the database driver could not even send it.
MAX_ROW_ID = 2**31 - 1


def row_id(text: object) -> int | None:
    """The id a path or query parameter names, or None when it cannot name a row."""
    raw = str(text).strip()
    if not raw.isascii() or not raw.isdigit():
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_ROW_ID else None


# Public pages
HOME = "/"
FAQ = "/faq"
LEGAL_NOTICE = "/mentions-legales"
PRIVACY = "/confidentialite"
TERMS = "/conditions-utilisation"
CONTACT = "/contact"
ACCESSIBILITY = "/accessibilite"
PARTNERS_SEARCH = "/partenaires"
PARTNER_PAGE_PATTERN = "/partenaires/[partner_id]"
OFFERS = "/bons-plans"

# Signing in ("Qui suis-je ?") and the e-mailed links
SIGN_IN = "/connexion"
BACK_OFFICE_SIGN_IN = "/connexion/gestion"
PARTNER_SIGN_IN = "/connexion/partenaire"
YOUTH_SIGN_IN = "/connexion/jeune"
PARTNER_SIGN_UP = "/connexion/partenaire/inscription"
YOUTH_SIGN_UP = "/connexion/jeune/inscription"
PARENT_SELF_REGISTRATION = "/connexion/parent/inscription"  # "Je n'ai pas encore d'identifiant"
ACTIVATION = "/connexion/activation"
NEW_PASSWORD = "/connexion/nouveau-mot-de-passe"
EMAIL_VERIFICATION = "/connexion/verification"
FORGOTTEN_PASSWORD = "/connexion/mot-de-passe-oublie"
# HTTP routes that set and clear the HttpOnly session cookie (api.session_cookie).
SESSION_OPEN = "/session/ouverture"  # POST: the sign-in ticket, exchanged for the cookie
SESSION_CLOSED = "/session/fin"  # GET: the cookie cleared (the session was revoked by the page)
SESSION_TICKET_FIELD = "ticket"
# FranceConnect (Parent door): the redirect to the provider and its answer are HTTP routes; a first
# visit continues on a page where the guardian proves which Parent they are.
FRANCECONNECT_START = "/franceconnect/connexion"
FRANCECONNECT_CALLBACK = "/franceconnect/retour"
FRANCECONNECT_FIRST_VISIT = "/connexion/parent/franceconnect"
FRANCECONNECT_FIRST_VISIT_END = "/franceconnect/premiere-visite"  # POST: the proof, for the cookie
FRANCECONNECT_PROOF_FIELD = "preuve"
FRANCECONNECT_REFUSAL_PARAM = "franceconnect"  # ?franceconnect=<refusal code> on the Parent door

# Families
DASHBOARD = "/tableau-de-bord"
ENROLLMENT = "/inscription"
PHOTO = "/photo"
CARD_ASSOCIATION = "/carte/associer"
CARD_LOSS = "/carte/perte"
MY_ACCOUNT = "/mon-compte"
EMAIL_CHANGE_CONFIRMATION = "/mon-compte/confirmer-adresse"
MY_DATA_JSON = "/mon-compte/mes-donnees.json"
MY_DATA_PDF = "/mon-compte/mes-donnees.pdf"
UNSUBSCRIBE = "/desabonnement"  # the page of the optional e-mails' unsubscribe link (signed)
UNSUBSCRIBE_ONE_CLICK = "/desabonnement/un-clic"  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click"
ADMIN_DELETION_REQUESTS = "/admin/suppressions"
ONLINE_SERVICES = "/services-en-ligne"
ONLINE_BOURSE = ONLINE_SERVICES + "/bourse"  # ?enfant=<id>
ONLINE_FICHE = ONLINE_SERVICES + "/fiche"  # ?enfant=<id>
ONLINE_BOURSE_AVIS_PATTERN = ONLINE_SERVICES + "/bourse/{pupil_id}/avis"  # POST, multipart field AVIS_FILE_FIELD
ONLINE_BOURSE_RECEIPT_PATTERN = ONLINE_SERVICES + "/bourse/{pupil_id}/accuse-reception.pdf"
AVIS_FILE_FIELD = "avis"

# Espace partenaire
PARTNER_SPACE = "/espace-partenaire"
PARTNER_CHECKOUT = PARTNER_SPACE + "/encaisser"
PARTNER_PAYMENTS = PARTNER_SPACE + "/paiements"
PARTNER_STATEMENTS = PARTNER_SPACE + "/releves"
PARTNER_OFFERS = PARTNER_SPACE + "/bons-plans"
PARTNER_API_KEYS = PARTNER_SPACE + "/cles-api"
PARTNER_BANK_DETAILS = PARTNER_SPACE + "/coordonnees-bancaires"
PARTNER_STATEMENT_PATTERN = PARTNER_SPACE + "/releves/{month}.{extension}"

# Back office
ADMIN_PARTNERS = "/admin/partenaires"
ADMIN_PHOTOS = "/admin/photos"
ADMIN_CARDS = "/admin/cartes"
ADMIN_REIMBURSEMENTS = "/admin/remboursements"
REIMBURSEMENT_TRANSFER_XML_PATTERN = "/admin/remboursements/{batch_id}/virements.xml"
ADMIN_STATISTICS = "/admin/statistiques"
STATISTICS_CSV_PATTERN = "/admin/statistiques/{season}/{table}.csv"
ADMIN_HOME = "/admin"
BACK_OFFICE_REFUSED = "/acces-reserve"  # where a signed-in non-agent opening an /admin page lands
ADMIN_JOURNAL = "/admin/journal"
ADMIN_JOURNAL_CSV = "/admin/journal.csv"  # the same filters as the page, in the query string
ADMIN_ASSISTANCE = "/admin/assistance"
ADMIN_ASSISTANCE_FILE_PATTERN = "/admin/assistance/[pupil_id]"
ADMIN_CORRECTIONS = "/admin/corrections"
ADMIN_PARTNER_LIST = "/admin/structures"  # every structure (ADMIN_PARTNERS: those waiting)
SCHOOL = "/etablissement"
SCHOOL_IMPORT = "/etablissement/import"
SCHOOL_TELESERVICES = "/etablissement/teleservices"
SCHOOL_BOURSE_CSV = "/etablissement/teleservices/bourses.csv"  # ?statut=<filtre>
SCHOOL_BOURSE_AVIS_PATTERN = "/etablissement/teleservices/bourses/{request_id}/avis"
ADMIN_TELESERVICES = "/admin/teleservices"
SCHOOL_PASSWORD_RESET_PATTERN = "/etablissement/eleves/{pupil_id}/mot-de-passe"
SCHOOL_GUARDIAN_LETTERS = "/etablissement/responsables/courriers"  # ?classe=&envoi=&responsable=&nouveaux=
SCHOOL_IMPORT_FILE_FIELD = "fichier"  # the multipart field of the CSV posted to SCHOOL_IMPORT
CARD_BATCH_PRINTER_CSV_PATTERN = "/admin/lots-cartes/{batch_id}/imprimeur.csv"
CARD_BATCH_QR_ZIP_PATTERN = "/admin/lots-cartes/{batch_id}/qr-codes.zip"

# HTTP API (the routers are mounted under API_PREFIX; the patterns are relative to it)
API_PREFIX = "/api/v1"
API_PUPIL_PHOTO_PATTERN = "/pupils/{pupil_id}/photo"
API_PHOTO_PATTERN = "/photos/{photo_id}"
API_PARTNER_CARD_PATTERN = "/cards/{number}"
API_PARTNER_PAYMENTS = "/payments"
API_PARTNER_PAYMENT_PATTERN = "/payments/{payment_id}"
API_PARTNER_PAYMENT_CANCEL_PATTERN = "/payments/{payment_id}/cancel"
API_PARTNER_OFFERS = "/offers"
API_PARTNER_OFFER_PATTERN = "/offers/{offer_id}"
API_SEARCH = "/search"
API_SEARCH_MAP = "/search/map"


def sign_in_door(slug: str) -> str:
    """The sign-in page of one profile of "Qui suis-je ?" (collegien, parent, jeune, partenaire...)."""
    return f"{SIGN_IN}/{slug}"


def franceconnect_refused(code: str) -> str:
    """The Parent door showing why a FranceConnect sign-in did not go through."""
    return f"{sign_in_door('parent')}?{FRANCECONNECT_REFUSAL_PARAM}={code}"


def partner_page(partner_id: int | str) -> str:
    return f"{PARTNERS_SEARCH}/{partner_id}"


def dashboard_of_child(pupil_id: int | str | None) -> str:
    """A parent's dashboard opened on one child; the plain dashboard for anyone else."""
    return f"{DASHBOARD}?enfant={pupil_id}" if pupil_id else DASHBOARD


def partner_statement(month: str, extension: str) -> str:
    return PARTNER_STATEMENT_PATTERN.format(month=month, extension=extension)


def school_password_reset(pupil_id: int | str) -> str:
    return SCHOOL_PASSWORD_RESET_PATTERN.format(pupil_id=pupil_id)


def assistance_file(pupil_id: int | str) -> str:
    return f"{ADMIN_ASSISTANCE}/{pupil_id}"


def reimbursement_transfer_xml(batch_id: int | str) -> str:
    return REIMBURSEMENT_TRANSFER_XML_PATTERN.format(batch_id=batch_id)


def statistics_csv(season: str, table: str) -> str:
    return STATISTICS_CSV_PATTERN.format(season=season, table=table)


def card_batch_printer_csv(batch_id: int | str) -> str:
    return CARD_BATCH_PRINTER_CSV_PATTERN.format(batch_id=batch_id)


def card_batch_qr_zip(batch_id: int | str) -> str:
    return CARD_BATCH_QR_ZIP_PATTERN.format(batch_id=batch_id)


def api_pupil_photo(pupil_id: int | str) -> str:
    return API_PREFIX + API_PUPIL_PHOTO_PATTERN.format(pupil_id=pupil_id)


def api_photo(photo_id: int | str) -> str:
    return API_PREFIX + API_PHOTO_PATTERN.format(photo_id=photo_id)

METRICS = "/metrics"  # Prometheus, behind CJEUNE_METRICS_TOKEN (api/observability.py)

def online_bourse_avis(pupil_id: int | str) -> str:
    return ONLINE_BOURSE_AVIS_PATTERN.format(pupil_id=pupil_id)


def school_bourse_avis(request_id: int | str) -> str:
    return SCHOOL_BOURSE_AVIS_PATTERN.format(request_id=request_id)


def online_bourse_receipt(pupil_id: int | str) -> str:
    return ONLINE_BOURSE_RECEIPT_PATTERN.format(pupil_id=pupil_id)
