from core.quality import lacks, record_checks

CHECKS = record_checks(country=lacks("countries"))
