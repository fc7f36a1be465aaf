"""Strings that editors meet in the admin but that Django's or django-simple-history's
Swedish catalogues do not translate (yet). Listed here so that `makemessages` puts them in
the project's catalogue, where their Swedish translations live (locale/sv). The project's
catalogue is read before the libraries', so a library that later adds its own translation
changes nothing."""

from django.utils.translation import gettext_noop

STRINGS = [
    # Django 6.1: the empty choice of select boxes (django.db.models.fields.BLANK_CHOICE_LABEL)
    gettext_noop("- Select an option -"),
    # django-simple-history: the history list, the version page and its messages
    gettext_noop(
        "Choose a date from the list below to revert to a previous version of this object."
    ),
    gettext_noop("Press the 'Revert' button below to revert to this version of the object."),
    gettext_noop("Or press the 'Change History' button to edit the history."),
    gettext_noop("Object"),
    gettext_noop("Comment"),
    gettext_noop("Changed by"),
    gettext_noop("Change reason"),
    gettext_noop("Changes"),
    gettext_noop("Created"),
    gettext_noop("Changed"),
    gettext_noop("Deleted"),
    gettext_noop("Deleted %(type_name)s"),
    gettext_noop("Revert"),
    gettext_noop("Revert %s"),
    gettext_noop("Revert %(verbose_name)s"),
    gettext_noop("Change History"),
    gettext_noop("View history: %s"),
    gettext_noop("You may edit it again below"),
    gettext_noop('The %(name)s "%(obj)s" was changed successfully.'),
    gettext_noop("This object doesn't have a change history."),
]
