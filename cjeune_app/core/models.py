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
from cjeune_app.core.assistance.models import LedgerCorrection
from cjeune_app.core.audit.models import AuditEntry
from cjeune_app.core.cards.models import Card, CardAssociationAttempt, CardBatch
from cjeune_app.core.enrollment.models import ConsentRecord, Enrollment, SeasonEndReminder
from cjeune_app.core.establishments.models import Establishment, Pupil
from cjeune_app.core.franceconnect.models import (
    FranceConnectArrival,
    FranceConnectIdentity,
    FranceConnectLogin,
    FranceConnectSession,
)
from cjeune_app.core.guardians.models import Guardian, PhoneCode
from cjeune_app.core.notifications.models import SentMessage
from cjeune_app.core.partners.models import ApiKey, Offer, Partner, PartnerCategory, Payment
from cjeune_app.core.photos.models import Photo
from cjeune_app.core.reimbursements.models import (
    PartnerBankAccount,
    ReimbursementBatch,
    ReimbursementItem,
    ReimbursementLine,
)
from cjeune_app.core.search.models import SearchEntry, SearchTerm
from cjeune_app.core.seasons.models import Season
from cjeune_app.core.statistics.models import LedgerFold, LedgerFoldGap, LedgerMonthTotal
from cjeune_app.core.teleservices.models import (
    BourseRequest,
    CampaignWindow,
    ContactChange,
    PupilContact,
    ServiceOpening,
)
from cjeune_app.core.wallet.models import LedgerEntry, Wallet

__all__ = [
    "Account", "ApiKey", "AuditEntry", "AuthSession", "Card", "CardAssociationAttempt", "CardBatch",
    "ConsentRecord", "DeletionRequest", "EmailChange", "Enrollment", "Establishment", "FranceConnectArrival",
    "FranceConnectIdentity", "FranceConnectLogin", "FranceConnectSession", "Guardian", "LedgerCorrection",
    "LedgerEntry",
    "LedgerFold", "LedgerFoldGap", "LedgerMonthTotal", "LoginAttempt", "OneTimeToken", "SentMessage", "Offer",
    "ParentLink", "Partner",
    "PartnerBankAccount", "PartnerCategory", "Payment", "PhoneCode", "Photo", "Pupil", "ReimbursementBatch",
    "ReimbursementItem", "ReimbursementLine", "SeasonEndReminder",
    "SearchEntry", "SearchTerm", "Season", "Wallet",
    "BourseRequest", "CampaignWindow", "ContactChange", "PupilContact", "ServiceOpening",
]
