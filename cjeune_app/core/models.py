"""Every table, imported once so that SQLModel's metadata (and Alembic) sees them all."""

from cjeune_app.core.accounts.models import (
    Account,
    AuthSession,
    DeletionRequest,
    EmailChange,
    LoginAttempt,
    OneTimeToken,
    ParentLink,
)
from cjeune_app.core.cards.models import Card, CardAssociationAttempt, CardBatch
from cjeune_app.core.enrollment.models import ConsentRecord, Enrollment, SeasonEndReminder
from cjeune_app.core.establishments.models import Establishment, Pupil
from cjeune_app.core.partners.models import ApiKey, Offer, Partner, PartnerCategory, Payment
from cjeune_app.core.photos.models import Photo
from cjeune_app.core.search.models import SearchEntry, SearchTerm
from cjeune_app.core.seasons.models import Season
from cjeune_app.core.wallet.models import LedgerEntry, Wallet

__all__ = [
    "Account", "DeletionRequest", "EmailChange", "SeasonEndReminder",
    "ApiKey", "AuthSession", "Card", "CardAssociationAttempt", "CardBatch",
    "ConsentRecord", "Enrollment", "Establishment", "LedgerEntry", "LoginAttempt", "OneTimeToken",
    "Offer", "ParentLink", "Partner", "PartnerCategory", "Payment", "Photo", "Pupil",
    "SearchEntry", "SearchTerm", "Season", "Wallet",
]
