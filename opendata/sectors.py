"""Which OECD DAC 5-digit sector (IATI sector vocabulary 1) each theme reports as in the
IATI files. Edit here; a theme not listed gives no sector, and a record none of whose
themes gives one reports DEFAULT_SECTOR (IATI's rules want a sector on every activity):
15112, support to subnational government, which is what every record in the register is
(cooperation between local and regional governments). Chosen from the DAC purpose
codes' own descriptions:

15112 Decentralisation and support to subnational government · 15113 Anti-corruption
organisations and institutions · 15150 Democratic participation and civil society ·
15170 Women's rights organisations and movements, and government institutions · 16010
Social protection · 11110 Education policy and administrative management · 41010
Environmental policy and administrative management · 43030 Urban development and
management · 43060 Disaster risk reduction · 99820 Promotion of development awareness
(the theme "communication": the sources' communication projects on the development
goals, such as Millenniekommun)."""

DEFAULT_SECTOR = "15112"

THEME_SECTORS = {
    "decentralisation": "15112",
    "local-governance": "15112",
    "sustainable-cities": "43030",
    "climate-adaptation": "43060",
    "environment-and-climate": "41010",
    "education": "11110",
    "social-services": "16010",
    "social-care": "16010",
    "vulnerable-groups": "16010",
    "gender-equality": "15170",
    "womens-participation": "15170",
    "citizen-dialogue": "15150",
    "participation": "15150",
    "inclusion": "15150",
    "transparency": "15113",
    "accountability": "15113",
    "communication": "99820",
}
