"""Arabic dates without the comma Django's own Arabic formats put before the year."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y، H:i"
MONTH_DAY_FORMAT = "j F"
