import os

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

from bench.run import main  # settings are chosen above

main()
