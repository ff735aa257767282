"""Facts about the service shown on pages and in e-mails."""

SITE_NAME = "CJeune de Provence"
ASSISTANCE_PHONE = "04 86 68 47 44"
ASSISTANCE_PHONE_URI = "tel:+33486684744"
ASSISTANCE_EMAIL = "contact@cjeunedeprovence.fr"
COLLEGE_SUPPORT_EMAIL = "support-informatisation-college@eduprovence.fr"
PUBLISHER = "Département des Bouches-du-Rhône"
PUBLISHER_ADDRESS = "Hôtel du Département, 52 avenue de Saint-Just, 13256 Marseille Cedex 20"
