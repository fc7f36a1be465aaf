"""Sweden's 21 counties (län) in English, by their SCB county code. The Swedish names
come with the municipalities (../shared/data, SCB); the English ones are the names the
counties' own administrative boards and SCB use in English ("Dalarna County" for
"Dalarnas län")."""

COUNTY_NAMES_EN = {
    "01": "Stockholm County",
    "03": "Uppsala County",
    "04": "Södermanland County",
    "05": "Östergötland County",
    "06": "Jönköping County",
    "07": "Kronoberg County",
    "08": "Kalmar County",
    "09": "Gotland County",
    "10": "Blekinge County",
    "12": "Skåne County",
    "13": "Halland County",
    "14": "Västra Götaland County",
    "17": "Värmland County",
    "18": "Örebro County",
    "19": "Västmanland County",
    "20": "Dalarna County",
    "21": "Gävleborg County",
    "22": "Västernorrland County",
    "23": "Jämtland County",
    "24": "Västerbotten County",
    "25": "Norrbotten County",
}


def county_label(code, swedish_name, language):
    """The county's name in a language; the Swedish name where no English one is known."""
    if (language or "").startswith("en"):
        return COUNTY_NAMES_EN.get(code, swedish_name)
    return swedish_name
