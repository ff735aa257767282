"""The stepper's own words (seed 002). The UI shows them and the consent ledger stores them,
so that a recorded choice says exactly which sentence was ticked or left unticked."""

FORM_TITLE = "INSCRIPTION À LA CARTE CJEUNE DE PROVENCE"
FORM_NOTICE = (
    "Ce formulaire doit être renseigné et validé par le responsable légal de l'enfant pour lequel "
    "la demande de carte est enregistrée. Il s'engage sur la véracité des informations fournies."
)
STEP_TITLES = {1: "Informations", 2: "Coordonnées", 3: "Photo d'identité", 4: "Mentions légales"}
REQUIRED_NOTE = "* champ obligatoire"

OUTSIDE_DEPARTMENT = (
    "La carte CJeune de Provence s'adresse uniquement aux collégiens domiciliés et scolarisés "
    "dans le département des Bouches-du-Rhône."
)
OPTIN_EMAIL_LABEL = (
    "En cochant cette case, j'accepte que mon adresse email soit utilisée afin de m'informer en "
    "temps réel des bons plans et événements de la Carte CJeune de Provence."
)
OPTIN_SMS_LABEL = (
    "En cochant cette case, j'accepte que mon numéro de téléphone soit utilisé afin de recevoir des "
    "informations du Département sur les actions à destination de la jeunesse."
)
ATTESTATION_LABEL = (
    "Je certifie être le représentant légal de l'enfant et l'exactitude des informations fournies"
)
SUCCESS_TITLE = "C'EST PARFAIT !"
SUCCESS_MESSAGE = "Votre compte a été mis à jour avec succès !"

FIELD_LABELS = {
    "guardian_last_name": "Nom du représentant légal (parent, tuteur ...)",
    "guardian_first_name": "Prénom du représentant légal",
    "address_line": "Adresse postale",
    "address_complement": "Complément d'adresse",
    "postal_code": "Code postal",
    "commune_insee": "Ville",
    "email": "Adresse email",
    "email_confirmation": "Confirmation de l'adresse email",
    "mobile": "Numéro de téléphone mobile",
    "optin_email": OPTIN_EMAIL_LABEL,
    "optin_sms": OPTIN_SMS_LABEL,
    "attested": ATTESTATION_LABEL,
}

# The screens around the steps (seed 002).
WELCOME_TITLE = "Bienvenue"
WELCOME_PARAGRAPHS = (
    "Cette année, à partir de la rentrée, la nouvelle carte CJeune de Provence est distribuée, "
    "accompagnée d'un support explicatif, à l'ensemble des collégiens du département par les "
    "établissements scolaires.",
    "Si vous êtes déjà en possession de la carte {previous_season}, nous vous invitons à suivre toutes "
    "les étapes de ce formulaire pour mettre à jour le compte de votre enfant. Vous pourrez ensuite "
    "associer la carte au compte, ce qui créditera les {advantages} d'avantages.",
    "Cliquez sur le bouton « Suivant » pour démarrer.",
)
PHOTO_INVITE = (
    "Téléchargez la photo d'identité de votre enfant ou utilisez la caméra pour prendre une photo "
    "de votre enfant."
)
PRIVACY_NOTICE = (
    "Les informations recueillies sur ce formulaire sont enregistrées dans un fichier informatisé "
    "par le Département des Bouches-du-Rhône pour l'attribution de votre carte CJeune de Provence "
    "ainsi que pour la gestion de la consommation des crédits attribués. Pour en savoir plus sur le "
    "traitement de vos données à caractère personnel et de celles de votre enfant, vous pouvez "
    "consulter la"
)
PRIVACY_LINK_TEXT = "politique de confidentialité du site"
