"""One module per ``pressure-monitor`` command: ``add_parser(subparsers)`` and ``run(args)``."""
