#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "councilopts.settings")
    # manage.py is the developer's entry point, so it runs with DEBUG on unless told
    # otherwise; production says DEBUG=false (the Dockerfile does) and serves councilopts.wsgi,
    # which has no such default and refuses to start without a SECRET_KEY.
    os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
