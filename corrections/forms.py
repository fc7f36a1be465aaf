from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from corrections.models import ErrorReport


class ErrorReportForm(forms.ModelForm):
    # A field people never see (hidden, out of the tab order, labelled as a trap for
    # screen readers that show it anyway); programs that fill every field fill it.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = ErrorReport
        fields = ["description", "source", "email"]
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "description": forms.Textarea(attrs={"rows": 6}),
            "source": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "description": _("For example a date, an amount, a name or a partner that is wrong."),
            "source": _(
                "Where the right information is stated: a document, a web page, a decision."
            ),
        }
        labels = {
            "description": _("What is wrong in the record?"),
            "source": _("Source (optional)"),
            "email": _("Your e-mail address (optional)"),
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = ngettext(
            "Only if you want the editors to be able to ask you about the report. The address "
            "is personal data: it is never shown publicly, only the register's staff can read "
            "it, and it is deleted when the report is closed, at the latest after %(days)d "
            "day.",
            "Only if you want the editors to be able to ask you about the report. The address "
            "is personal data: it is never shown publicly, only the register's staff can read "
            "it, and it is deleted when the report is closed, at the latest after %(days)d "
            "days.",
            settings.ERROR_REPORT_EMAIL_DAYS,
        ) % {"days": settings.ERROR_REPORT_EMAIL_DAYS}

    def is_trap_filled(self):
        return bool(self.data.get("website", "").strip())
