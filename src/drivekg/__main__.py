from drivekg.cli import entry

entry()
