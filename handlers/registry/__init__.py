"""The registry: applicant, application, exam and passer records of 別添1, and gap-free numbering."""
from handlers.registry.models import Applicant, Application, ExamRecord, Passer, RegistryBase
from handlers.registry.numbering import NUMBER_KINDS, allocate, format_number

__all__ = ["Applicant", "Application", "ExamRecord", "Passer", "RegistryBase", "NUMBER_KINDS", "allocate",
           "format_number"]

from handlers.egov import models as _egov_models  # noqa: E402,F401  (the e-Gov tables live on RegistryBase too)
